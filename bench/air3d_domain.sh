#!/usr/bin/env bash
# Issue 23, item 3: how much of the Air3D tables' difference from the shared reference is the
# truncated domain's. WENO5 + TVD-RK3 and the semi-Lagrangian option (cubic, CFL 6) on the
# configuration's 101x101x100 box [-6, 20] x [-10, 10] x [0, 2 pi), and again on a box 40 nodes wider
# on each side of x and 50 of y (same spacing, 181x201x100): where a scheme's table on the small box
# equals its table on the large one (to 1e-3), the domain boundary has not reached it. Prints, per
# scheme, the mean |V - V_ref| against hj_reachability's 201x201x200 solution (data/reference) over
# the whole lattice, over the nodes neither scheme's boundary reached, and over the rest; then the
# same split by heading: the ridge |psi| <= 2 h_psi (5 of the 100 headings, where both vehicles head
# alike and V peaks along psi) against the other headings, with the wide-box tables' difference there.
#
#   bench/air3d_domain.sh [RANKS] [CFL]     (after scripts/build.sh; default 2 ranks, CFL 6; ~4 min on 2 cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ranks=${1:-2}
cfl=${2:-6}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
hjbench=$root/build/hjbench
[[ -x "$hjbench" ]] || { echo "build/ first (scripts/build.sh)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%F) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $ranks ranks"
# shellcheck disable=SC2054  # the commas separate coordinates within one option value
wide=(--grid.lo -16.4,-20,0 --grid.hi 30.4,20,6.283185307179586 --grid.shape 181,201,100)
sl=(--scheme.method semi_lagrangian --scheme.cfl "$cfl")
run() {  # OUT ARGS...
  local out=$1
  shift
  mpirun -n "$ranks" "$hjbench" solve "$root/data/configs/air3d.ini" "$@" --output.file "$tmp/$out.h5" --overwrite \
    --output.progress_seconds 1000 > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
  grep -E "^horizon reached" "$tmp/log" | sed "s/^/$out: /"
}
run weno
run weno_wide "${wide[@]}"
run sl "${sl[@]}"
run sl_wide "${sl[@]}" "${wide[@]}"
/usr/bin/python3 - "$tmp" "$root/data/reference/air3d/air3d_brt_hj_reachability.h5" "$cfl" <<'PY'
import sys
import h5py
import numpy as np
tmp, reference, cfl = sys.argv[1:]
with h5py.File(reference, "r") as f:
    ref = f["value/weno5_tvdrk3_201x201x200"][...].astype(np.float64)
    ref_axes = [f["axes/" + n][...] for n in ("x", "y")]
    psi = f["axes/psi"][...]
def table(name):  # the table on the reference's lattice
    with h5py.File(f"{tmp}/{name}.h5", "r") as f:
        v = f["value/final"][...]
        idx = []
        for n, r in zip(("x", "y"), ref_axes):
            c = f["axes/" + n][...]
            i = np.clip(np.searchsorted(c, r - 1e-9), 0, len(c) - 1)
            assert np.abs(c[i] - r).max() < 1e-6, (name, n)
            idx.append(i)
        return v[np.ix_(idx[0], idx[1], np.arange(v.shape[2]))]
t = {n: table(n) for n in ("weno", "weno_wide", "sl", "sl_wide")}
reached = (np.abs(t["weno"] - t["weno_wide"]) >= 1e-3) | (np.abs(t["sl"] - t["sl_wide"]) >= 1e-3)
print(f"nodes the boundary reached (either scheme's table moves by >= 1e-3 on the wider box): {reached.mean():.3f}")
h = psi[1] - psi[0]
ridge = np.minimum(psi, 2 * np.pi - psi) <= 2.5 * h
by_reach, by_heading = [], []
for label, n in (("WENO5 + TVD-RK3, CFL 0.75", "weno"), (f"semi-Lagrangian cubic, CFL {cfl}", "sl")):
    d, moved = np.abs(t[n] - ref), t[n] - t[n + "_wide"]
    by_reach.append(f"| {label} | {d.mean():.5f} | {d[~reached].mean():.5f} | {d[reached].mean():.5f} | "
                    f"{np.abs(moved).mean():.5f} |")
    by_heading.append(f"| {label} | {d[..., ridge].mean():.4f} | {d[..., ~ridge].mean():.5f} | "
                      f"{d[..., ridge].sum() / d.sum():.2f} | {moved[..., ridge].mean():+.3f} |")
print("| scheme | mean abs(V - V_ref), all | not reached by the boundary | reached | abs(small box - wide box), mean |")
print("|---|---|---|---|---|")
print("\n".join(by_reach))
print(f"\nby heading: the ridge abs(psi) <= 2 h_psi ({ridge.sum()} of {len(psi)} headings) and the rest")
print("| scheme | ridge | rest | ridge's share of the error | ridge, mean (small box - wide box) |")
print("|---|---|---|---|---|")
print("\n".join(by_heading))
wide = t["sl_wide"] - t["weno_wide"]
print(f"the two schemes on the wide box, mean abs(SL - WENO5): ridge {np.abs(wide[..., ridge]).mean():.4f}, "
      f"rest {np.abs(wide[..., ~ridge]).mean():.5f}")
PY
