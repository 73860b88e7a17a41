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
ranks=${1:-2}
cfl=${2:-6}
# shellcheck source=bench/air3d_common.sh
. "$(dirname "$0")/air3d_common.sh"
# shellcheck disable=SC2054  # the commas separate sizes within one option value
wide=("${wide_box[@]}" --grid.shape 181,201,100)
sl=(--scheme.method semi_lagrangian --scheme.cfl "$cfl")
run weno
run weno_wide "${wide[@]}"
run sl "${sl[@]}"
run sl_wide "${sl[@]}" "${wide[@]}"
PYTHONPATH=$root/bench /usr/bin/python3 - "$tmp" "$root" "$cfl" <<'PY'
import sys
import numpy as np
from air3d_lattice import lattice, on_lattice, ridge_mask
tmp, root, cfl = sys.argv[1:]
axes, psi, ref = lattice(root)
t = {n: on_lattice(f"{tmp}/{n}.h5", axes, len(psi)) for n in ("weno", "weno_wide", "sl", "sl_wide")}
reached = (np.abs(t["weno"] - t["weno_wide"]) >= 1e-3) | (np.abs(t["sl"] - t["sl_wide"]) >= 1e-3)
print(f"nodes the boundary reached (either scheme's table moves by >= 1e-3 on the wider box): {reached.mean():.3f}")
ridge = ridge_mask(psi)
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
