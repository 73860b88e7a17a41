"""Independent NumPy computations the tests compare hjbench against (no hjbench code involved):
the multilinear interpolation of a tensor table read with h5py, and Gymnasium 0.29's Pendulum-v1
step written out again. Imported by tests/cli/*.sh (PYTHONPATH=tests) and python/tests."""
import math

import h5py
import numpy as np


def interpolator(path, dataset="value/final"):
    """The multilinear interpolant of a tensor table's dataset read with h5py: a function of one point
    (periodic axes wrap, others clamp)."""
    with h5py.File(path) as f:
        names = f.attrs["axes"].split(",")
        axes = [f["axes/" + n][...] for n in names]
        periodic = [bool(f["axes/" + n].attrs["periodic"]) for n in names]
        lo = [float(f["axes/" + n].attrs["lo"]) for n in names]
        table = f[dataset][...]

    def at(x):
        idx, w = [], []
        for k, a in enumerate(axes):
            n, h = len(a), a[1] - a[0]
            t = (x[k] - lo[k]) / h
            if periodic[k]:
                t = t % n
                i = min(int(t), n - 1)
            else:
                t = min(max(t, 0.0), n - 1.0)
                i = min(int(t), n - 2)
            idx.append(i)
            w.append(t - i)
        v = 0.0
        for c in range(1 << len(axes)):
            wt, ii = 1.0, []
            for k in range(len(axes)):
                up = (c >> k) & 1
                g = idx[k] + up
                ii.append(0 if g == len(axes[k]) else g)
                wt *= w[k] if up else 1 - w[k]
            v += wt * table[tuple(ii)]
        return v

    return at


def interpolate(path, points, dataset="value/final"):
    """The interpolant of a tensor table's dataset at each of `points`."""
    at = interpolator(path, dataset)
    return np.array([at(x) for x in points])


def pendulum_step(th, om, u, g=10.0, m=1.0, l=1.0, dt=0.05):
    """Gymnasium 0.29 PendulumEnv.step: (theta', omega', cost) from (theta, omega) and the torque."""
    u = min(max(u, -2.0), 2.0)
    cost = (((th + math.pi) % (2 * math.pi)) - math.pi) ** 2 + 0.1 * om**2 + 0.001 * u**2
    om = min(max(om + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l * l) * u) * dt, -8.0), 8.0)
    return th + om * dt, om, cost
