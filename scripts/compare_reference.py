#!/usr/bin/env python3
"""Compare an hjbench table with a reference dataset on a common lattice.

Prints the mean |V - V_ref| over the lattice, the interior mean (excluding `--margin` nodes at
non-periodic boundaries), and the fraction of nodes whose sign of V differs. With --max-mean /
--max-sign-mismatch it exits 1 when a bound is exceeded (used by the regression tests).

  compare_reference.py out/air3d.h5 REF.h5 value/weno5_tvdrk3_201x201x200 --max-mean 0.010
"""
import argparse
import sys

import h5py
import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("table")
    p.add_argument("reference")
    p.add_argument("dataset")
    p.add_argument("--max-mean", type=float)
    p.add_argument("--max-sign-mismatch", type=float)
    p.add_argument("--margin", type=int, default=5)
    a = p.parse_args()
    with h5py.File(a.table, "r") as f:
        v = f["value/final"][...]
        axes = f.attrs["axes"].split(",")
        coords = [f["axes/" + n][...] for n in axes]
    with h5py.File(a.reference, "r") as f:
        ref = f[a.dataset][...].astype(np.float64)
        ref_coords = [f["axes/" + n][...] for n in axes]
    # Sample the table at the reference lattice (the table may be finer by an integer factor).
    index = []
    for c, rc in zip(coords, ref_coords):
        idx = np.searchsorted(c, rc - 1e-9)
        idx = np.clip(idx, 0, len(c) - 1)
        if np.max(np.abs(c[idx] - rc)) > 1e-6 * max(1.0, np.max(np.abs(rc))):
            sys.exit(f"{a.table}: its lattice does not contain the reference lattice")
        index.append(idx)
    v = v[np.ix_(*index)]
    diff = np.abs(v - ref)
    m = a.margin
    interior = diff[m:-m, m:-m, :] if diff.ndim == 3 else diff
    mean = float(diff.mean())
    sign = float(np.mean(np.sign(v) != np.sign(ref)))
    print(f"mean |V - V_ref| = {mean:.5f}   interior mean = {float(interior.mean()):.5f}   "
          f"max = {float(diff.max()):.4f}   sign mismatch = {sign:.2e}")
    ok = True
    if a.max_mean is not None and mean > a.max_mean:
        print(f"FAIL: mean {mean:.5f} > {a.max_mean}")
        ok = False
    if a.max_sign_mismatch is not None and sign > a.max_sign_mismatch:
        print(f"FAIL: sign mismatch {sign:.2e} > {a.max_sign_mismatch}")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
