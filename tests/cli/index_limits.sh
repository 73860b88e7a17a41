#!/usr/bin/env bash
# A grid above 2^31 nodes (1300^3 = 2.197e9) is refused with a clear message (exit 3) by a build
# with 32-bit PETSc indices and accepted (dry run: planned, nothing allocated) by a 64-bit build.
# Usage: index_limits.sh HJBENCH ON|OFF (HJB_PETSC_64BIT_INDICES)
set -u
HJBENCH=$1 WIDE=$2
out=$("$HJBENCH" solve --problem.name eikonal --grid.shape 1300,1300,1300 --dry-run --output.file /tmp/never.h5 2>&1)
code=$?
echo "$out"
if [[ $WIDE == ON ]]; then
  [[ $code -eq 0 && "$out" == *"2197000000 nodes"* ]] && { echo "1 passed, 0 failed"; exit 0; }
else
  [[ $code -eq 3 && "$out" == *"32-bit indices"* && "$out" == *"HJB_PETSC_64BIT_INDICES"* ]] && { echo "1 passed, 0 failed"; exit 0; }
fi
echo "0 passed, 1 failed"
exit 1
