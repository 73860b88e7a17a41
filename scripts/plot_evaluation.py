#!/usr/bin/python3
"""Figures of an `hjbench evaluate --output.json SCORE.json` run (matplotlib, no display needed).

    scripts/plot_evaluation.py SCORE.json [OUTPUT.png]

One PNG (default: SCORE.png beside the JSON) with five panels: the exact value V* and the critic's
value (mapped to the table's scale) on the 2-D slice over the table's first two axes, the critic's
error on that slice, the regret map (each start's gap J_policy - V* at its first two coordinates)
and the histogram of the per-start gaps with the mean and its confidence interval.
"""
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) >= 2 else 2
    path = argv[1]
    out = argv[2] if len(argv) > 2 else os.path.splitext(path)[0] + ".png"
    try:
        with open(path) as f:
            score = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        print(f"plot_evaluation: cannot read {path}: {e}", file=sys.stderr)
        return 3
    axes_names = score.get("axes") or ["x0", "x1"]
    fig, ax = plt.subplots(1, 5, figsize=(26, 4.6))
    sl = score.get("slice")
    if sl:
        n = sl["n"]
        x, y = np.array(sl["x"]), np.array(sl["y"])
        grid = lambda key: np.array([math.nan if v is None else v for v in sl[key]]).reshape(n, n).T
        v_star, critic = grid("optimal"), grid("critic")
        lo, hi = np.nanmin(v_star), np.nanmax(v_star)
        for a, data, title in ((ax[0], v_star, "exact V* (table)"), (ax[1], critic, "critic, -return scale")):
            im = a.pcolormesh(x, y, data, shading="auto", vmin=lo, vmax=hi, cmap="viridis")
            a.set_title(title)
            fig.colorbar(im, ax=a)
        err = critic - v_star
        if np.all(np.isnan(err)):
            ax[2].text(0.5, 0.5, "no critic stored", ha="center", va="center", transform=ax[2].transAxes)
        else:
            m = np.nanmax(np.abs(err))
            im = ax[2].pcolormesh(x, y, err, shading="auto", cmap="RdBu_r", vmin=-m, vmax=m)
            fig.colorbar(im, ax=ax[2])
        ax[2].set_title("critic error (critic - V*)")
        for a in ax[:3]:
            a.set_xlabel(axes_names[0])
            a.set_ylabel(axes_names[1] if len(axes_names) > 1 else "")
    starts = score["per_start"]
    x0 = np.array(starts["x0"])
    gap = np.array(starts["policy_cost"]) - np.array(starts["optimal_value"])
    if x0.shape[1] >= 2:
        sc = ax[3].scatter(x0[:, 0], x0[:, 1], c=gap, cmap="magma", s=18)
        fig.colorbar(sc, ax=ax[3])
        ax[3].set_xlabel(axes_names[0])
        ax[3].set_ylabel(axes_names[1])
    ax[3].set_title("regret map: J_policy - V* per start")
    g = score["gap_cost"]
    ax[4].hist(gap, bins=min(40, max(5, len(gap) // 5)), color="tab:gray")
    ax[4].axvline(g["mean"], color="k", label=f"mean {g['mean']:.3g}")
    ax[4].axvspan(g["ci_low"], g["ci_high"], color="tab:orange", alpha=0.4,
                  label=f"{100 * g['confidence']:.0f}% CI [{g['ci_low']:.3g}, {g['ci_high']:.3g}]")
    ax[4].set_title("gap J_policy - V* over the starts")
    ax[4].legend()
    fig.suptitle(f"{score['problem']}: policy vs {os.path.basename(score['table'])} "
                 f"({score['starts']} starts, discount {score['discount']})")
    fig.tight_layout()
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=90)
    os.replace(tmp, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
