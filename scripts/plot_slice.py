#!/usr/bin/env python3
"""PNG of a 2-D slice of an hjbench table with its zero level set.

For a 3-D (or higher) table, every axis but the first two is fixed at the node nearest to the
requested value (--axis NAME --at VALUE, the others at their middle node).

  plot_slice.py out/air3d.h5 --axis psi --at 0 --output out/air3d_slice.png
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("table")
    p.add_argument("--snapshot", default="final", help="dataset under /value (default: final)")
    p.add_argument("--axis", help="axis to fix (3-D and higher)")
    p.add_argument("--at", type=float, default=0.0, help="coordinate at which --axis is fixed")
    p.add_argument("--output", required=True)
    a = p.parse_args()
    with h5py.File(a.table, "r") as f:
        names = f.attrs["axes"].split(",")
        coords = [f["axes/" + n][...] for n in names]
        v = f["value/" + a.snapshot]
        time = v.attrs["time"]
        index = [slice(None), slice(None)]
        title = []
        for k in range(2, len(names)):
            c = coords[k]
            i = int(np.argmin(np.abs(c - a.at))) if names[k] == a.axis else len(c) // 2
            index.append(i)
            title.append(f"{names[k]} = {c[i]:.3g}")
        data = v[tuple(index)]
        problem = f.attrs["problem"]
        scheme = f.attrs.get("scheme", "")
    fig, ax = plt.subplots(figsize=(7, 5.5))
    x, y = coords[0], coords[1]
    mesh = ax.pcolormesh(x, y, data.T, shading="auto", cmap="RdBu_r",
                         vmin=-np.max(np.abs(data)), vmax=np.max(np.abs(data)))
    fig.colorbar(mesh, ax=ax, label="V")
    ax.contour(x, y, data.T, levels=[0.0], colors="k", linewidths=2)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_aspect("equal")
    ax.set_title(f"{problem}: V(·, t = {time:.3g}), {', '.join(title)}\nzero level set in black; {scheme}",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(a.output, dpi=120)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
