#!/usr/bin/env python3
"""Learning curves of several seeds: the mean over seeds and a shaded band.

Curves are grouped by file name with the seed removed (ppo_pendulum_seed3_curve.csv -> ppo_pendulum),
interpolated onto a common step grid, and drawn as the mean over seeds with a 95 % confidence band
of that mean (Student t over seeds; +- one standard deviation with --band std).

  plot_learning_curves.py out/ppo_pendulum_seed*_curve.csv out/sac_pendulum_seed*_curve.csv \
      --output out/learning_curves.png [--metric return|eval_return|gap_cost|gap_return] [--optimum -135]

--metric: return (training episodes' mean return, the default), and with curves written by
`hjbench train --evaluate.table T.h5`: eval_return (the deterministic policy on fixed starts, with
the table feedback's return on the same starts drawn as the optimum), gap_cost (J - V*, the table's
cost scale, with 0 as the optimum) or gap_return (the feedback's return minus the policy's).
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
    p.add_argument("--metric", default="return", choices=["return", "eval_return", "gap_cost", "gap_return"])
    p.add_argument("--band", default="ci", choices=["ci", "std"])
    a = p.parse_args()
    groups = collections.defaultdict(list)
    column = {"return": "mean_return"}.get(a.metric, a.metric)
    optimum = {}
    for path in a.curves:
        name = re.sub(r"_seed\d+", "", os.path.basename(path)).replace("_curve.csv", "")
        with open(path) as f:
            header = f.readline().strip().split(",")
        if column not in header:
            raise SystemExit(f"{path}: no column '{column}' (train with --evaluate.table for the gap columns)")
        data = np.genfromtxt(path, delimiter=",", skip_header=1, ndmin=2)
        if data.shape[0] == 0:
            continue
        c = header.index(column)
        keep = ~np.isnan(data[:, c])
        if keep.sum() < 2:
            continue
        groups[name].append(np.stack([data[keep, 0], data[keep, c]], axis=1))
        if a.metric == "eval_return" and "feedback_return" in header:
            optimum.setdefault(name, []).append(float(data[0, header.index("feedback_return")]))
    if not groups:
        raise SystemExit("no curve with at least two points")
    fig, axes = plt.subplots(1, len(groups), figsize=(6 * len(groups), 4.5), squeeze=False)
    labels = {"return": "episode return (training episodes)", "eval_return": "deterministic return (fixed starts)",
              "gap_cost": "gap J - V* (table cost scale)", "gap_return": "return gap to the table feedback"}
    for ax, (name, runs) in zip(axes[0], sorted(groups.items())):
        end = min(r[-1, 0] for r in runs)
        start = max(r[0, 0] for r in runs)
        grid = np.linspace(start, end, 200)
        values = np.array([np.interp(grid, r[:, 0], r[:, 1]) for r in runs])
        mean, std = values.mean(axis=0), values.std(axis=0, ddof=1) if len(runs) > 1 else np.zeros(len(grid))
        ax.plot(grid, mean, label=f"{name} (mean of {len(runs)} seeds)")
        if a.band == "ci" and len(runs) > 1:
            from scipy import stats
            half = stats.t.ppf(0.975, len(runs) - 1) * std / np.sqrt(len(runs))
            ax.fill_between(grid, mean - half, mean + half, alpha=0.25, label="95 % CI of the mean over seeds")
        else:
            ax.fill_between(grid, mean - std, mean + std, alpha=0.25, label="± 1 std over seeds")
        ref = a.optimum
        if ref is None and a.metric == "eval_return" and name in optimum:
            ref = float(np.mean(optimum[name]))
        if ref is None and a.metric in ("gap_cost", "gap_return"):
            ref = 0.0
        if ref is not None:
            ax.axhline(ref, color="k", linestyle="--", linewidth=1, label=f"optimum {ref:g}")
        ax.set_xlabel("environment steps")
        ax.set_ylabel(labels[a.metric])
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(a.output, dpi=110)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
