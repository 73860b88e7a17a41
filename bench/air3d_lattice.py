"""Shared by bench/air3d_domain.sh and bench/air3d_ridge.sh: an Air3D table on the configuration's
101x101x100 lattice (the x-y nodes of the shared reference, every k-th heading), and the ridge
|psi| <= 2 h_psi of that lattice's headings."""
import h5py
import numpy as np

REFERENCE = "data/reference/air3d/air3d_brt_hj_reachability.h5"


def lattice(root):
    """The reference's x and y axes, its headings, and its 201x201x200 solution on that lattice."""
    with h5py.File(f"{root}/{REFERENCE}", "r") as f:
        axes = [f["axes/" + n][...] for n in ("x", "y")]
        return axes, f["axes/psi"][...], f["value/weno5_tvdrk3_201x201x200"][...].astype(np.float64)


def on_lattice(path, axes, headings):
    """The final value of the table at `path` on the x-y nodes `axes` and `headings` headings (every
    k-th of the table's, k = its headings / `headings`); every node must be one of the table's."""
    with h5py.File(path, "r") as f:
        v = f["value/final"][...]
        idx = []
        for n, r in zip(("x", "y"), axes):
            c = f["axes/" + n][...]
            i = np.clip(np.searchsorted(c, r - 1e-9), 0, len(c) - 1)
            assert np.abs(c[i] - r).max() < 1e-6, (path, n)
            idx.append(i)
        assert v.shape[2] % headings == 0, (path, v.shape)
        return v[np.ix_(idx[0], idx[1], np.arange(0, v.shape[2], v.shape[2] // headings))]


def ridge_mask(psi):
    """The headings within 2 spacings of psi = 0 (5 of 100), where V peaks along psi."""
    h = psi[1] - psi[0]
    return np.minimum(psi, 2 * np.pi - psi) <= 2.5 * h
