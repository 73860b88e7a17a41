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
ranks=${1:-2}
# shellcheck source=bench/air3d_common.sh
. "$(dirname "$0")/air3d_common.sh"
sl=(--scheme.method semi_lagrangian --scheme.cfl 6)
run sl100 "${wide_box[@]}" --grid.shape 181,201,100 "${sl[@]}"
run sl200 "${wide_box[@]}" --grid.shape 181,201,200 "${sl[@]}"
run weno100 "${wide_box[@]}" --grid.shape 181,201,100
run weno200 "${wide_box[@]}" --grid.shape 181,201,200
PYTHONPATH=$root/bench /usr/bin/python3 - "$tmp" "$root" <<'PY'
import sys
import numpy as np
from air3d_lattice import lattice, on_lattice, ridge_mask
tmp, root = sys.argv[1:]
axes, psi, _ = lattice(root)
x = axes[0]
t = {n: on_lattice(f"{tmp}/{n}.h5", axes, len(psi)) for n in ("sl100", "sl200", "weno100", "weno200")}
ridge = ridge_mask(psi)
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
    print(f"  {name}: " + " ".join(f"{d[(x >= lo) & (x < hi)].mean():+.4f}" for lo, hi in bands))
PY
