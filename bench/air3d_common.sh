# Shared by bench/air3d_domain.sh and bench/air3d_ridge.sh (sourced after `ranks` is set): the
# environment for mpirun as root, the built binary, a scratch directory removed on exit, the header
# line, the wide box (the configuration's spacing, 40 more nodes on each side of x and 50 of y), and
# run OUT ARGS...: data/configs/air3d.ini with ARGS on $ranks ranks into $tmp/OUT.h5, printing the
# solve's summary line.
# shellcheck shell=bash
: "${ranks:?set ranks before sourcing bench/air3d_common.sh}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hjbench=$root/build/hjbench
[[ -x "$hjbench" ]] || { echo "build/ first (scripts/build.sh)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $ranks ranks"
# shellcheck disable=SC2054,SC2034  # commas separate coordinates; the sourcing scripts read it
wide_box=(--grid.lo -16.4,-20,0 --grid.hi 30.4,20,6.283185307179586)
run() {  # OUT ARGS...
  local out=$1
  shift
  mpirun -n "$ranks" "$hjbench" solve "$root/data/configs/air3d.ini" "$@" --output.file "$tmp/$out.h5" --overwrite \
    --output.progress_seconds 1000 > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
  grep -E "^horizon reached" "$tmp/log" | sed "s/^/$out: /"
}
