#!/usr/bin/env python3
"""Learning curves (mean return vs environment steps) of several seeds: mean line and a band.

Curves are grouped by file name with the seed removed (ppo_pendulum_seed3_curve.csv -> ppo_pendulum),
interpolated onto a common step grid, and drawn as mean +- one standard deviation over seeds.

  plot_learning_curves.py out/ppo_pendulum_seed*_curve.csv out/sac_pendulum_seed*_curve.csv \
      --output out/learning_curves.png [--optimum -135]
"""
import argparse
import collections
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("curves", nargs="+", help="CSV files written by hjbench train (env_steps,wall_seconds,mean_return)")
    p.add_argument("--output", required=True)
    p.add_argument("--optimum", type=float, help="draw a reference line (e.g. the optimal return)")
    a = p.parse_args()
    groups = collections.defaultdict(list)
    for path in a.curves:
        name = re.sub(r"_seed\d+", "", os.path.basename(path)).replace("_curve.csv", "")
        data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
        if data.shape[0] == 0:
            continue
        groups[name].append(data)
    fig, axes = plt.subplots(1, len(groups), figsize=(6 * len(groups), 4.5), squeeze=False)
    for ax, (name, runs) in zip(axes[0], sorted(groups.items())):
        end = min(r[-1, 0] for r in runs)
        start = max(r[0, 0] for r in runs)
        grid = np.linspace(start, end, 200)
        values = np.array([np.interp(grid, r[:, 0], r[:, 2]) for r in runs])
        mean, std = values.mean(axis=0), values.std(axis=0)
        ax.plot(grid, mean, label=f"{name} (mean of {len(runs)} seeds)")
        ax.fill_between(grid, mean - std, mean + std, alpha=0.25, label="± 1 std over seeds")
        if a.optimum is not None:
            ax.axhline(a.optimum, color="k", linestyle="--", linewidth=1, label=f"reference {a.optimum:g}")
        ax.set_xlabel("environment steps")
        ax.set_ylabel("episode return (training episodes)")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
