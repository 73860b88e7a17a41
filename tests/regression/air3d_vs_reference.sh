#!/usr/bin/env bash
# Air3D 101x101x100 BRT to t = -2.8 against hj_reachability's 201x201x200 WENO5 solution
# (data/reference). Bounds: WENO5 mean <= 0.010 and sign mismatch <= 2e-4 (the peer's own 101 run: 0.0099, 1.6e-4);
# first order mean <= 0.14.
# Usage: air3d_vs_reference.sh HJBENCH PYTHON SOURCE_DIR REFERENCE_DIR weno5|first_order
set -eu
HJBENCH=$1 PYTHON=$2 SRC=$3 REF=$4 VARIANT=$5
reference="$REF/air3d/air3d_brt_hj_reachability.h5"
[[ -f "$reference" ]] || { echo "reference file $reference not found (set -DHJB_REFERENCE_DIR)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$VARIANT" in
  weno5) accuracy=very_high; bounds=(--max-mean 0.010 --max-sign-mismatch 2e-4) ;;
  first_order) accuracy=low; bounds=(--max-mean 0.14) ;;
  *) echo "unknown variant $VARIANT"; exit 2 ;;
esac
mpirun -n 2 "$HJBENCH" solve "$SRC/data/configs/air3d.ini" --scheme.accuracy "$accuracy" \
  --output.file "$work/air3d.h5" --output.progress_seconds 30
"$PYTHON" "$SRC/scripts/compare_reference.py" "$work/air3d.h5" "$reference" value/weno5_tvdrk3_201x201x200 "${bounds[@]}"
