#!/usr/bin/env bash
# Writes a small Air3D table on 2 ranks and checks it with h5py (check_table.py).
# Usage: h5py_reads_table.sh PATH/TO/hjbench PYTHON CHECK_SCRIPT
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2 CHECK=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mpirun -n 2 "$HJBENCH" solve --problem.name air3d --grid.shape 21,19,16 --time.times 0.1,0.2 \
  --solve.mode brt --output.file "$work/air3d.h5" --output.history "$work/history.csv" --output.quiet \
  && ok "a 2-rank Air3D solve writes table, sidecar and history" || fail "solve"
"$PYTHON" "$CHECK" "$work/air3d.h5" "$work/air3d.xmf" "$work/history.csv" \
  && ok "h5py reads the table, its axes, the XDMF sidecar and the history (check_table.py)" || fail "check_table.py"
# The slice plot works on the table.
"$PYTHON" "$(dirname "$CHECK")/../../scripts/plot_slice.py" "$work/air3d.h5" --axis psi --at 3.14 --output "$work/slice.png" \
  && [[ -s "$work/slice.png" ]] && ok "plot_slice.py draws a PNG" || fail "plot_slice.py"
finish
