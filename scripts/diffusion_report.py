#!/usr/bin/env python3
"""Assembles OUTDIR/diffusion.json and the figures of scripts/diffusion.sh.

usage: diffusion_report.py OUTDIR SECONDS "SIZES_1D" "SIZES_2D"

Reads the per-resolution reports (tables/follmer{1,2}d_N.json: the value error against the closed
form), the 2-D and 4-D scores (diffusion2d.json, diffusion4d.json of `hjbench diffusion`) and the 2-D
sample sets (samples2d.h5); writes diffusion.json (the 2-D figures at the top level, the 4-D ones
under "4d", the convergence tables under "convergence"), diffusion.png and diffusion_curve.png.
"""
import json
import math
import platform
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def convergence(out, dim, sizes):
    rows = []
    for n in sizes:
        r = json.load(open(f"{out}/tables/follmer{dim}d_{n}.json"))
        rows.append({"nodes_per_axis": n, "spacing": 14.0 / (n - 1), "mean_error": r["value_error"]["mean"],
                     "max_error": r["value_error"]["max"]})
    for a, b in zip(rows, rows[1:]):
        b["observed_order"] = math.log2(a["mean_error"] / b["mean_error"])
    return rows


def keys(report):
    """The issue's keys from one `hjbench diffusion` report."""
    ex, le = report["exact"], report.get("learned")
    d = {
        "value_error": report["value_error"],
        "exact_energy_distance": ex["energy_distance"],
        "closed_form_energy_distance": report["closed_form_energy_distance"],
        "noise_floor": report["noise_floor"],
        "exact_path_kl": ex["path_kl"],
        "exact_drift_l2": ex["drift_l2"],
        "samples": report["samples"],
        "euler_maruyama_steps": report["euler_maruyama_steps"],
    }
    if le:
        d.update({"learned_energy_distance": le["energy_distance"], "learned_drift_l2": le["drift_l2"],
                  "learned_path_kl": le["path_kl"], "train_seconds": report["train_seconds"],
                  "curve": report["curve"]})
    return d


def main():
    out, seconds = sys.argv[1], float(sys.argv[2])
    sizes1, sizes2 = [int(s) for s in sys.argv[3].split()], [int(s) for s in sys.argv[4].split()]
    conv1, conv2 = convergence(out, 1, sizes1), convergence(out, 2, sizes2)
    r2, r4 = json.load(open(f"{out}/diffusion2d.json")), json.load(open(f"{out}/diffusion4d.json"))
    result = {"problem": "follmer", "sigma": r2["sigma"], "machine": platform.processor() or platform.machine(),
              "wall_seconds": seconds}
    result.update(keys(r2))
    result["observed_order"] = conv2[-1]["observed_order"]
    result["convergence"] = {"1d": conv1, "2d": conv2}
    result["4d"] = keys(r4)
    # The learned drift over training seeds (hjbench diffusion --train.seeds; the first is the main run).
    runs = [x["score"] for x in r2["learned_seeds"]]
    kl = [x["path_kl"]["mean"] for x in runs]
    result["learned_over_seeds"] = {
        "seeds": len(runs), "path_kl": kl, "path_kl_mean": float(np.mean(kl)),
        "path_kl_sd": float(np.std(kl, ddof=1)) if len(kl) > 1 else None,
        "drift_l2": [x["drift_l2"]["value"] for x in runs],
        "energy_distance": [x["energy_distance"] for x in runs]}
    with open(f"{out}/diffusion.json", "w") as f:
        json.dump(result, f, indent=1)

    s = h5py.File(f"{out}/samples2d.h5")
    lo, hi = s["axis_lo"][...], s["axis_hi"][...]
    density = np.exp(s["log_density"][...])
    fig, ax = plt.subplots(1, 3, figsize=(13, 4.4), sharex=True, sharey=True)
    ax[0].imshow(density.T, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), cmap="viridis")
    ax[0].set_title("target density (4-mode mixture)")
    for a, name, title in ((ax[1], "exact", "table's feedback (exact sampler)"),
                           (ax[2], "learned", "score-matching drift")):
        x = s[name][...]
        a.scatter(x[:, 0], x[:, 1], s=2, alpha=0.5)
        key = "exact" if name == "exact" else "learned"
        kl = r2[key]["path_kl"]
        a.set_title(f"{title}\npath KL {kl['mean']:.3g} [{kl['ci_low']:.3g}, {kl['ci_high']:.3g}], "
                    f"ED {r2[key]['energy_distance']:.2g}", fontsize=9)
    for a in ax:
        a.set_xlim(-6, 6)
        a.set_ylim(-6, 6)
        a.set_aspect("equal")
    fig.suptitle(f"Foellmer sampler, {r2['samples']} samples, {r2['euler_maruyama_steps']} Euler-Maruyama steps; "
                 f"noise floor (95%) of the energy distance {r2['noise_floor']['q95']:.2g}", fontsize=10)
    fig.tight_layout()
    fig.savefig(f"{out}/diffusion.png", dpi=110)

    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    for label, r in (("2-D", r2), ("4-D", r4)):
        c = r.get("curve", [])
        st = [p["steps"] for p in c]
        kl = [p["score"]["path_kl"]["mean"] for p in c]
        ax[0].errorbar(st, kl, yerr=[[p["score"]["path_kl"]["mean"] - p["score"]["path_kl"]["ci_low"] for p in c],
                                     [p["score"]["path_kl"]["ci_high"] - p["score"]["path_kl"]["mean"] for p in c]],
                       marker="o", label=f"{label} learned")
        ax[0].axhline(r["exact"]["path_kl"]["mean"], ls="--", color=ax[0].lines[-1].get_color(),
                      label=f"{label} table's feedback")
        ax[1].plot(st, [p["score"]["drift_l2"]["value"] for p in c], marker="o", label=label)
        ax[2].plot(st, [p["score"]["energy_distance"] for p in c], marker="o", label=label)
        ax[2].axhline(r["noise_floor"]["q95"], ls=":", color=ax[2].lines[-1].get_color(), label=f"{label} noise floor")
    for a, t in zip(ax, ("path KL(learned || exact)", "drift L2 error", "energy distance to target")):
        a.set_xscale("log")
        a.set_xlabel("training steps")
        a.set_title(t)
        a.legend(fontsize=8)
    ax[0].set_yscale("log")
    ax[1].set_yscale("log")
    ax[2].set_yscale("symlog", linthresh=1e-3)
    fig.tight_layout()
    fig.savefig(f"{out}/diffusion_curve.png", dpi=110)
    print(f"wrote {out}/diffusion.json, {out}/diffusion.png, {out}/diffusion_curve.png")
    print(f"2-D: value error {r2['value_error']['mean']:.4f} (order {result['observed_order']:.2f}); exact sampler "
          f"ED {r2['exact']['energy_distance']:.2g} vs noise floor {r2['noise_floor']['q95']:.2g}; learned path KL "
          f"{r2['learned']['path_kl']['mean']:.3g} vs table's {r2['exact']['path_kl']['mean']:.3g}")


if __name__ == "__main__":
    main()
