#!/usr/bin/env bash
# The Foellmer sampler through the command line: `hjbench solve --problem.name follmer` on 1 and 3
# ranks (the same table), a restart after SIGUSR1 (the same table as an uninterrupted run), and
# `hjbench diffusion`: the exact sampler's samples (2-D mixture, 2,000 paths, seed 1) within the
# noise floor of two target samples of that size; a briefly trained score-matching drift measurably
# worse than the table's by its path KL; bad input refused with the offending option named.
# Usage: diffusion.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null' EXIT
cd "$work"
args=(--problem.name follmer --grid.shape 141,141 --time.snapshots 50 --output.quiet)

"$HJBENCH" solve "${args[@]}" --output.file f1.h5 > solve.log 2>&1 || { fail "solve on 1 rank"; cat solve.log; }
mpirun -n 3 "$HJBENCH" solve "${args[@]}" --output.file f3.h5 > solve3.log 2>&1 || { fail "solve on 3 ranks"; cat solve3.log; }
same() {  # same A B: every snapshot and feedback dataset bit for bit
  "$PYTHON" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and (n.startswith("value/") or n.startswith("policy/")) else None)
bad = [n for n in names if not np.array_equal(a[n][...], b[n][...])]
print(f"{len(names)} datasets compared, {len(bad)} differ {bad[:3]}")
sys.exit(0 if names and not bad else 1)
PY
}
same f1.h5 f3.h5 && ok "1 and 3 ranks: the same table (values and feedback at every stored time)" || fail "1 vs 3 ranks"

# Interrupted on 2 ranks once a checkpoint exists, resumed on 1: the same table.
long=(--problem.name follmer --grid.shape 281,281 --time.snapshots 20 --output.quiet)
"$HJBENCH" solve "${long[@]}" --output.file full.h5 > /dev/null 2>&1 || fail "uninterrupted 281^2 run"
mpirun -n 2 "$HJBENCH" solve "${long[@]}" --checkpoint.every_steps 50 --output.file part.h5 > part.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -e part.h5.ckpt ]] && break; sleep 0.02; done
kill -USR1 "$pid"; wait "$pid"; code=$?
if [[ $code -eq 5 && -e part.h5.ckpt && ! -e part.h5 ]]; then ok "SIGUSR1: exit 5 with a checkpoint, no table"
else fail "SIGUSR1: exit $code ($(ls))"; cat part.log; fi
"$HJBENCH" solve "${long[@]}" --output.file part.h5 --restart part.h5.ckpt > restart.log 2>&1 \
  && same full.h5 part.h5 && ok "restart on 1 rank: the same table as the uninterrupted run" \
  || { fail "restart"; cat restart.log; }

"$HJBENCH" diffusion f1.h5 --samples 2000 --seed 1 --train.steps 1000 --train.curve 2 --output.json r.json \
  --output.samples s.h5 > diffusion.log 2>&1 || { fail "hjbench diffusion"; cat diffusion.log; }
cat diffusion.log
"$PYTHON" - <<'PY' && ok "exact sampler within the noise floor; value error bounded; learned drift's KL above the table's" || fail "diffusion report"
import json, h5py, sys
r = json.load(open("r.json"))
ed, q95 = r["exact"]["energy_distance"], r["noise_floor"]["q95"]
print(f"exact sampler energy distance {ed:.2e}, noise floor 95% {q95:.2e}; value error mean {r['value_error']['mean']:.3f}")
checks = [ed <= q95, r["value_error"]["mean"] < 0.3,
          r["learned"]["path_kl"]["ci_low"] > r["exact"]["path_kl"]["ci_high"],
          len(r["curve"]) == 2 and r["curve"][-1]["steps"] == 1000]
s = h5py.File("s.h5")
checks += [s["exact"].shape == (2000, 2), s["learned"].shape == (2000, 2), s["log_density"].shape == (141, 141)]
print(checks)
sys.exit(0 if all(checks) else 1)
PY

# Bad input: the option or file named, exit 2 (usage) or 3 (validation).
"$HJBENCH" solve --problem.name eikonal --grid.shape 21,21 --output.file e.h5 --output.quiet > /dev/null 2>&1
refuse 3 "not a table of the Foellmer sampler" -- "$HJBENCH" diffusion e.h5
refuse 2 "--samples" -- "$HJBENCH" diffusion f1.h5 --samples 1
refuse 2 "--substeps" -- "$HJBENCH" diffusion f1.h5 --substeps 0
refuse 2 "--repeats" -- "$HJBENCH" diffusion f1.h5 --repeats 1
refuse 3 "--output.json" -- "$HJBENCH" diffusion f1.h5 --output.json f1.h5
refuse 2 "one process" -- mpirun -n 2 "$HJBENCH" diffusion f1.h5
refuse 2 "--scheme.cfl" -- "$HJBENCH" solve "${args[@]}" --scheme.cfl 1.5 --output.file bad.h5
"$HJBENCH" solve "${args[@]}" --time.horizon 0.5 --output.file half.h5 > /dev/null 2>&1
refuse 3 "equally spaced on [-1, 0]" -- "$HJBENCH" diffusion half.h5

# scripts/diffusion.sh in its quick settings: every key of the issue in diffusion.json, the figures.
HJB_QUICK=1 HJB_RANKS=2 HJB_HJBENCH="$HJBENCH" bash "$here/../../scripts/diffusion.sh" script > script.log 2>&1 \
  || { fail "scripts/diffusion.sh"; tail -20 script.log; }
"$PYTHON" - <<'PY' && ok "scripts/diffusion.sh: diffusion.json with the issue's keys, both figures" || fail "diffusion.json"
import json, os, sys
r = json.load(open("script/diffusion.json"))
need = ["value_error", "observed_order", "exact_energy_distance", "noise_floor", "learned_energy_distance",
        "learned_drift_l2", "learned_path_kl"]
missing = [k for k in need if k not in r] + [k for k in need[2:] if k not in r["4d"]]
ci = all(k in r["learned_path_kl"] for k in ("ci_low", "ci_high")) and "ci_low" in r["learned_drift_l2"]
figs = all(os.path.getsize(f"script/{f}") > 10000 for f in ("diffusion.png", "diffusion_curve.png"))
print("missing", missing, "order", r["observed_order"], "CIs", ci, "figures", figs)
sys.exit(0 if not missing and ci and figs and 0.8 < r["observed_order"] < 1.3 else 1)
PY
finish
