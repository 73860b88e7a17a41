#!/usr/bin/env bash
# Issue 23, item 3: which scheme resolves Air3D's ridge psi ~ 0 (where V peaks along the heading) at
# the configuration's h_psi = 2 pi / 100. Both schemes on the wide box of bench/air3d_domain.sh
# (181x201, the configuration's x-y spacing, so the truncated domain does not reach the compared
# nodes' ridge the way it does on the small box), with 100 and with 200 headings; compared on the
# configuration's 101x101 x-y lattice and the 100 headings (every other one of the 200). Prints the
# mean |difference| of each pair on the ridge |psi| <= 2 h_psi and on the other headings, and the
# signed ridge differences against WENO5 with 200 headings by band of x, then the wall times.
#
#   bench/air3d_ridge.sh [RANKS]     (after scripts/build.sh; default 2 ranks; ~7 min on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
hjbench=$root/build/hjbench
[[ -x "$hjbench" ]] || { echo "build/ first (scripts/build.sh)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $ranks ranks"
# shellcheck disable=SC2054  # the commas separate coordinates within one option value
box=(--grid.lo -16.4,-20,0 --grid.hi 30.4,20,6.283185307179586)
sl=(--scheme.method semi_lagrangian --scheme.cfl 6)
run() {  # OUT HEADINGS ARGS...
  local out=$1 headings=$2
  shift 2
  mpirun -n "$ranks" "$hjbench" solve "$root/data/configs/air3d.ini" "${box[@]}" --grid.shape "181,201,$headings" "$@" \
    --output.file "$tmp/$out.h5" --overwrite --output.progress_seconds 1000 > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
  grep -E "^horizon reached" "$tmp/log" | sed "s/^/$out: /"
}
run sl100 100 "${sl[@]}"
run sl200 200 "${sl[@]}"
run weno100 100
run weno200 200
/usr/bin/python3 - "$tmp" <<'PY'
import sys
import h5py
import numpy as np
tmp = sys.argv[1]
x_small = np.linspace(-6, 20, 101)  # the configuration's lattice (data/configs/air3d.ini's box)
y_small = np.linspace(-10, 10, 101)
def table(name):  # on the small box's x-y nodes and the 100 headings
    with h5py.File(f"{tmp}/{name}.h5", "r") as f:
        v = f["value/final"][...]
        idx = []
        for n, r in (("x", x_small), ("y", y_small)):
            c = f["axes/" + n][...]
            i = np.clip(np.searchsorted(c, r - 1e-9), 0, len(c) - 1)
            assert np.abs(c[i] - r).max() < 1e-6, (name, n)
            idx.append(i)
        return v[np.ix_(idx[0], idx[1], np.arange(0, v.shape[2], v.shape[2] // 100))]
t = {n: table(n) for n in ("sl100", "sl200", "weno100", "weno200")}
psi = np.arange(100) * 2 * np.pi / 100
ridge = np.minimum(psi, 2 * np.pi - psi) <= 2.5 * 2 * np.pi / 100
print("| tables | ridge, mean abs difference | other headings |")
print("|---|---|---|")
for a, b in (("sl100", "sl200"), ("weno100", "weno200"), ("sl100", "weno100"), ("sl200", "weno200"),
             ("sl100", "weno200")):
    d = np.abs(t[a] - t[b])
    print(f"| {a} vs {b} | {d[..., ridge].mean():.4f} | {d[..., ~ridge].mean():.4f} |")
bands = ((-6, 0), (0, 5), (5, 10), (10, 13), (13, 20.1))
print("signed ridge difference against weno200, by x band: " + ", ".join(f"[{lo}, {hi})" for lo, hi in bands))
for name in ("sl100", "sl200", "weno100"):
    d = (t[name] - t["weno200"])[..., ridge]
    print(f"  {name}: " + " ".join(f"{d[(x_small >= lo) & (x_small < hi)].mean():+.4f}" for lo, hi in bands))
PY
