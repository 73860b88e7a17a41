#!/usr/bin/env bash
# A grid above 2^31 nodes (1300^3 = 2.197e9) is refused with a clear message (exit 3) by a build
# with 32-bit PETSc indices and accepted (dry run: planned, nothing allocated) by a 64-bit build.
# Usage: index_limits.sh HJBENCH ON|OFF (HJB_PETSC_64BIT_INDICES)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 WIDE=$2
out=$("$HJBENCH" solve --problem.name eikonal --grid.shape 1300,1300,1300 --dry-run --output.file /tmp/never.h5 2>&1)
code=$?
echo "$out"
if [[ $WIDE == ON ]]; then
  [[ $code -eq 0 && "$out" == *"2197000000 nodes"* ]] && ok "64-bit indices: 1300^3 planned" || fail "64-bit indices"
else
  [[ $code -eq 3 && "$out" == *"32-bit indices"* && "$out" == *"HJB_PETSC_64BIT_INDICES"* ]] \
    && ok "32-bit indices: 1300^3 refused naming the 64-bit build" || fail "32-bit indices"
fi
finish
