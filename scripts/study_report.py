#!/usr/bin/python3
"""The report of scripts/study_hjb_informed.sh (Markdown on stdout, figures under OUT/figures).

    study_report.py WORK_DIR SEEDS OUT_DIR COMMAND [PENDULUM_OPTIMUM_JSON]

Reads WORK_DIR/{algo}_{task}_{variant}_seed{N}_curve.csv (hjbench train --evaluate.table) and the logs.
Per task and variant: environment steps until the deterministic return on the fixed starts first
comes within 10 % and 5 % of the optimum (the table feedback's return on the same starts; runs
that never do count as the budget, flagged), the final gap J - V*; interquartile means (IQM) with
95 % stratified bootstrap intervals over seeds (the rliable methodology: resample seeds within each
task), the probability that an informed run needs fewer steps than a baseline run (per task: tasks
are never pooled for it), and a verdict per informed variant on the claim "20-50 % fewer environment
interactions". The per-seed numbers are written next to the report (OUT/study_hjb_informed_seeds.csv)
and, given scripts/optimum.sh's optimum.json for Pendulum-v1, its figure shows the optimum's
episodic bracket.
"""
import csv
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

TASKS = {"pendulum": "Pendulum-v1", "lqr": "LQ MDP 2-D"}
ALGOS = {"sac": (("baseline", "residual", "warm_start"), {"pendulum": 12000, "lqr": 8000}),
         "ppo": (("baseline", "residual", "warm_start"), {"pendulum": 150000, "lqr": 150000})}
RNG = np.random.default_rng(2026)


def read_curve(path):
    rows = list(csv.DictReader(open(path)))
    steps = np.array([float(r["env_steps"]) for r in rows])
    ret = np.array([float(r["eval_return"]) for r in rows])
    gap = np.array([float(r["gap_cost"]) for r in rows])
    keep = ~np.isnan(ret)
    return steps[keep], ret[keep], gap[keep], float(rows[0]["feedback_return"])


def steps_to(steps, ret, optimum, fraction, budget):
    """First step where the return is within `fraction` of the optimum (and stays within it at the
    next measurement, so a lucky single evaluation does not count); the budget when never."""
    ok = ret >= optimum - fraction * abs(optimum)
    for i in range(len(ok)):
        if ok[i] and (i + 1 == len(ok) or ok[i + 1]):
            return steps[i], True
    return float(budget), False


def iqm(x):
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    lo, hi = int(np.floor(0.25 * n)), int(np.ceil(0.75 * n))
    return x[lo:hi].mean() if hi > lo else x.mean()


def boot_ci(samples_by_task, statistic, reps=5000):
    """Stratified bootstrap: seeds resampled within each task; the statistic of the pooled sample."""
    vals = []
    for _ in range(reps):
        pooled = [s[RNG.integers(0, len(s), len(s))] for s in samples_by_task]
        vals.append(statistic(pooled))
    return np.percentile(vals, [2.5, 97.5])


def p_better(variant, baseline):
    """P(a random variant run needs fewer steps than a random baseline run), ties counting half."""
    return float(np.mean([(x < y) + 0.5 * (x == y) for x in variant for y in baseline]))


def policy_kernels(path):
    """The dense-kernel variant a policy was trained with (the policy file's `kernels` attribute)."""
    try:
        import h5py
        with h5py.File(path, "r") as f:
            k = f.attrs.get("kernels", "unrecorded")
            return k.decode() if isinstance(k, bytes) else str(k)
    except (ImportError, OSError):
        return "unrecorded"


def write_seeds(data, path):
    """Every run's numbers, one row per (algorithm, task, variant, seed): the data behind the report."""
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["algorithm", "task", "variant", "seed", "steps_to_10pct", "reached_10pct", "steps_to_5pct",
                    "reached_5pct", "final_gap", "final_return", "model_queries", "kernels"])
        for (algo, task, v), runs in sorted(data.items()):
            for seed, r in enumerate(runs, start=1):
                w.writerow([algo, task, v, seed, r["t10"], int(r["r10"]), r["t5"], int(r["r5"]), r["final_gap"],
                            r["ret"][-1], r["queries"], r["kernels"]])
    os.replace(path + ".tmp", path)


def main(argv):
    work, seeds, out, command = argv[1], int(argv[2]), argv[3], argv[4]
    bracket = None
    if len(argv) > 5 and os.path.exists(argv[5]):
        import json
        bracket = json.load(open(argv[5]))
    data = {}
    for algo, (variants, budgets) in ALGOS.items():
        for task in TASKS:
            budget = budgets[task]
            for v in variants:
                runs = []
                for s in range(1, seeds + 1):
                    stem = f"{work}/{algo}_{task}_{v}_seed{s}"
                    steps, ret, gap, opt = read_curve(stem + "_curve.csv")
                    log = open(stem + ".log").read()
                    m = re.search(r"model queries \(the known dynamics, not environment steps\): (\d+)", log)
                    t10, r10 = steps_to(steps, ret, opt, 0.10, budget)
                    t5, r5 = steps_to(steps, ret, opt, 0.05, budget)
                    runs.append(dict(steps=steps, ret=ret, gap=gap, opt=opt, t10=t10, r10=r10, t5=t5, r5=r5,
                                     final_gap=gap[-1], queries=int(m.group(1)) if m else 0,
                                     kernels=policy_kernels(stem + ".h5")))
                data[(algo, task, v)] = runs

    write_seeds(data, os.path.join(out, "study_hjb_informed_seeds.csv"))
    print("# HJB-informed training: a study\n")
    print(f"Reproduce: `{command}` (needs the build; about 10 minutes on 2 cores). Machine: 2-core VM, "
          "portable build. Generated by `scripts/study_report.py`.\n")
    print("**Claim under test:** an agent whose critic also uses the known dynamics needs 20–50 % fewer "
          "environment interactions to come close to the optimum.\n")
    print("**Variants.** *baseline*: SAC with hjbench's defaults (64-64 ReLU, batch 128, one update per "
          "step after 1000 random steps). *residual*: the same plus `--sac.model_batch 128` — after every "
          "update on real transitions, a second critic step on 128 synthetic transitions of the problem's own "
          "step and cost (states from the replay buffer, actions uniform over the action box), i.e. the "
          "soft Bellman residual of the known dynamics on sampled states. *warm_start*: the baseline with "
          "`--sac.warm_start_table` — before the first environment step, 2000 Adam steps fit both Q networks "
          "to r(s, a) + γ(−V_coarse(s')) on uniform states and actions, V_coarse a coarse table (Pendulum 51², "
          "LQ 21², solved in well under a second). PPO (defaults, 150k steps): *baseline*; *residual* "
          "(`--ppo.model_batch 64`: after each minibatch's value step, a second one on 64 rollout states "
          "stepped by the known dynamics under the current deterministic policy, targets r/scale + γV(s')); "
          "*warm_start* (`--ppo.warm_start_table`: the value network fitted to −V_coarse(s) on uniform states, "
          "the reward scale and observation statistics seeded from those states). Model queries are counted apart from environment steps. "
          "All variants use the same seeds; training is deterministic per seed.\n")
    print(f"**Protocol.** {seeds} seeds per variant and task. Every 500 (SAC on Pendulum) / 250 (SAC on LQ) / "
          "5000 (PPO) environment steps the deterministic policy runs from 20 fixed starts (seeds 1000000..); the optimum is the "
          "return of the table's own feedback on the same starts (Pendulum: 201² policy-iteration table; LQ: "
          "81² table of the 2-D LQ MDP). *Steps to 10 % / 5 %*: the first measurement (confirmed by the next "
          "one) where the return is within 10 % / 5 % of that optimum; a run that never gets there counts as "
          "its budget (SAC 12k / 8k steps, PPO 150k) and is flagged. Aggregates are interquartile means (IQM) with 95 % "
          "stratified bootstrap intervals over seeds (rliable); P(variant < baseline) is the probability "
          "that a random run of the variant needs fewer steps than a random baseline run (ties count half).\n")

    print("## Results per task\n")
    print("| algorithm | task | variant | steps to 10 % (IQM [95 % CI]) | reached | steps to 5 % (IQM [95 % CI]) | reached | "
          "final gap J − V* (IQM [95 % CI]) | model queries per run |")
    print("|---|---|---|---|---|---|---|---|---|")
    for algo, (variants, budgets) in ALGOS.items():
        for task, label in TASKS.items():
            for v in variants:
                runs = data[(algo, task, v)]
                row = [algo.upper(), label, v]
                for key, flag in (("t10", "r10"), ("t5", "r5")):
                    x = np.array([r[key] for r in runs])
                    lo, hi = boot_ci([x], lambda p: iqm(p[0]))
                    row += [f"{iqm(x):.0f} [{lo:.0f}, {hi:.0f}]", f"{sum(r[flag] for r in runs)}/{len(runs)}"]
                g = np.array([r["final_gap"] for r in runs])
                lo, hi = boot_ci([g], lambda p: iqm(p[0]))
                row += [f"{iqm(g):.3f} [{lo:.3f}, {hi:.3f}]", f"{runs[0]['queries']:,}"]
                print("| " + " | ".join(row) + " |")
    print()

    print("## Aggregate over both tasks (steps as a fraction of each task's budget)\n")
    print("| algorithm | variant | measure | baseline IQM [95 % CI] | variant IQM [95 % CI] | reduction (1 − variant/baseline) [95 % CI] | P(variant < baseline), per task |")
    print("|---|---|---|---|---|---|---|")
    verdicts = {}
    for algo, var in [(a, v) for a, (vs, _) in ALGOS.items() for v in vs[1:]]:
        budgets = ALGOS[algo][1]
        verdict_rows = {}
        for key, name in (("t10", "steps to 10 %"), ("t5", "steps to 5 %")):
            b = [np.array([r[key] / budgets[t] for r in data[(algo, t, "baseline")]]) for t in TASKS]
            i = [np.array([r[key] / budgets[t] for r in data[(algo, t, var)]]) for t in TASKS]
            ib, ii = iqm(np.concatenate(b)), iqm(np.concatenate(i))
            bl, bh = boot_ci(b, lambda p: iqm(np.concatenate(p)))
            il, ih = boot_ci(i, lambda p: iqm(np.concatenate(p)))
            red = []
            for _ in range(5000):
                pb = np.concatenate([s[RNG.integers(0, len(s), len(s))] for s in b])
                pi = np.concatenate([s[RNG.integers(0, len(s), len(s))] for s in i])
                red.append(1 - iqm(pi) / iqm(pb))
            rl, rh = np.percentile(red, [2.5, 97.5])
            per_task = {t: p_better(ti, tb) for t, tb, ti in zip(TASKS, b, i)}
            verdict_rows[key] = (1 - ii / ib, rl, rh, per_task)
            probs = ", ".join(f"{TASKS[t]} {p:.2f}" for t, p in per_task.items())
            print(f"| {algo.upper()} | {var} | {name} | {ib:.3f} [{bl:.3f}, {bh:.3f}] | {ii:.3f} [{il:.3f}, {ih:.3f}] | "
                  f"{100 * (1 - ii / ib):.0f} % [{100 * rl:.0f} %, {100 * rh:.0f} %] | {probs} |")
        verdicts[(algo, var)] = verdict_rows
    print()

    print("## Verdict\n")
    for (algo, var), rows in verdicts.items():
        red, rl, rh, prob = rows["t10"]
        red5, rl5, rh5, prob5 = rows["t5"]
        if rl >= 0.20 and rl5 >= 0.20:
            verdict = "supported: the whole interval of the reduction lies at or above 20 % for both thresholds"
        elif rh < 0.20 and rh5 < 0.20:
            verdict = ("not supported: the reduction is below 20 % with 95 % confidence (the upper ends of both "
                       "intervals are under 20 %)")
        elif (rl <= 0 <= rh) and (rl5 <= 0 <= rh5):
            verdict = ("not supported by this data: the intervals of the reduction include zero — no reliable "
                       "difference at this number of seeds")
        elif rl >= 0.20 or rl5 >= 0.20:
            verdict = "partly supported: at or above 20 % with 95 % confidence for one threshold only"
        else:
            verdict = "inconclusive: the intervals straddle 20 %"
        fmt = lambda d: ", ".join(f"{TASKS[t]} {p:.2f}" for t, p in d.items())  # noqa: E731
        print(f"- **{algo.upper()} {var}: {verdict}.** Reduction in environment steps {100 * red:.0f} % to within 10 % of the "
              f"optimum (95 % CI [{100 * rl:.0f} %, {100 * rh:.0f} %], P(better) per task: {fmt(prob)}), {100 * red5:.0f} % to "
              f"within 5 % ([{100 * rl5:.0f} %, {100 * rh5:.0f} %], P(better) per task: {fmt(prob5)}); model queries per run: "
              f"{data[(algo, 'pendulum', var)][0]['queries']:,} (Pendulum), {data[(algo, 'lqr', var)][0]['queries']:,} (LQ), "
              "which a claim about interactions must not hide.")
    print()
    print("Scope and caveats: two tasks (Acrobot-v1 is left out: its stationary table at an affordable 4-D "
          "resolution is too coarse to serve as the optimum); one design per idea; "
          "thresholds relative to the table feedback's return on 20 fixed starts; the warm start's coarse "
          "tables cost a solve that the environment-step count does not show (under a second here).\n")

    print(f"Per-seed data: `study_hjb_informed_seeds.csv` (one row per algorithm, task, variant and seed).\n")
    print("## Figures\n")
    for algo, (variants, budgets) in ALGOS.items():
        for task, label in TASKS.items():
            fig, ax = plt.subplots(1, 2, figsize=(12, 4.2))
            for v, color in zip(variants, ("tab:blue", "tab:red", "tab:green")):
                runs = data[(algo, task, v)]
                grid = np.linspace(max(r["steps"][0] for r in runs), min(r["steps"][-1] for r in runs), 100)
                for a, key, ylabel in ((ax[0], "ret", "deterministic return (20 fixed starts)"),
                                       (ax[1], "gap", "gap J − V* (table cost scale)")):
                    vals = np.array([np.interp(grid, r["steps"], r[key]) for r in runs])
                    m = vals.mean(axis=0)
                    half = stats.t.ppf(0.975, len(runs) - 1) * vals.std(axis=0, ddof=1) / np.sqrt(len(runs))
                    a.plot(grid, m, color=color, label=f"{v} (mean of {len(runs)} seeds)")
                    a.fill_between(grid, m - half, m + half, color=color, alpha=0.2)
                    a.set_xlabel("environment steps")
                    a.set_ylabel(ylabel)
            opt = data[(algo, task, "baseline")][0]["opt"]
            if task == "pendulum" and bracket is not None:  # the optimum's episodic bracket (scripts/optimum.sh)
                ax[0].axhspan(bracket["lower"], bracket["upper"], color="k", alpha=0.25,
                              label=f"optimum's bracket [{bracket['lower']:.2f}, {bracket['upper']:.2f}] "
                                    f"(upper {bracket['upper_kind']}; expected over the start distribution)")
                ax[0].axhline(opt, color="k", ls=":", lw=1, label=f"table feedback on these starts {opt:.2f}")
            else:
                ax[0].axhline(opt, color="k", ls="--", lw=1, label=f"table feedback on these starts {opt:.2f}")
            ax[0].set_ylim(bottom=max(ax[0].get_ylim()[0], opt - 3 * abs(opt) - 1))
            ax[1].axhline(0, color="k", ls="--", lw=1)
            ax[1].set_yscale("symlog", linthresh=1)
            for a in ax:
                a.grid(alpha=0.3)
                a.legend(fontsize=8)
            fig.suptitle(f"{label}, {algo.upper()}: baseline vs HJB-informed critics (95 % CI bands over seeds)")
            fig.tight_layout()
            name = f"study_{algo}_{task}.png"
            fig.savefig(os.path.join(out, "figures", name), dpi=90)
            plt.close(fig)
            print(f"![{label}, {algo.upper()}](figures/{name})\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
