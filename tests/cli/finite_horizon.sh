#!/usr/bin/env bash
# Finite-horizon (episodic) dynamic programming, `solve --solve.algorithm finite_horizon`, and its
# optimal episode return, `simulate` on a finite-horizon table:
#  - every stage of short horizons equals an independent NumPy recursion (own step map, own
#    multilinear interpolation, own termination) for Pendulum-v1 and MountainCarContinuous-v0;
#  - bit-identical tables on 1-4 ranks; checkpoint on 2 ranks, restart on 3, identical table;
#  - the table integral over the start distribution equals an independent exact quadrature; a
#    one-step episode's closed loop equals the table at a node; as grid and actions are refined
#    the closed loop and the table converge to each other (orders printed);
#  - on a sparse grid that is a full grid (caps 6,6, level 12) the sparse recursion equals the tensor
#    one on 65 (64 periodic) nodes per axis to rounding, V_0 and the greedy policy, for MountainCar
#    (terminal states) and Pendulum (a periodic axis), and simulate's lookahead on it equals a NumPy
#    replay; 1 and 3 ranks identical; regular sparse
#    grids (the limited interpolant) stay stable over the 999 stages and approach the tensor 257^2 V_0;
#  - bad input: horizon 0, stages outside the horizon, a problem without an MDP, zero actions, a
#    start set outside the grid, a finite-horizon table where a stationary one is needed.
# Usage: finite_horizon.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null' EXIT
cd "$work"
fh=(--solve.algorithm finite_horizon --output.quiet)

# --- the recursion against an independent NumPy implementation --------------------------------
check_recursion() {  # check_recursion TABLE: every stored stage vs NumPy from V_N = 0
  "$PYTHON" - "$1" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
problem, N, K = f.attrs["problem"], int(f.attrs["horizon_steps"]), int(f.attrs["actions"])
par = dict(f["problem"].attrs)
axes = [f["axes"][n] for n in ("theta", "omega")] if problem == "pendulum" else \
       [f["axes"][n] for n in ("position", "velocity")]
x = [a[...] for a in axes]
per = [bool(a.attrs["periodic"]) for a in axes]
lo = [float(a.attrs["lo"]) for a in axes]; hi = [float(a.attrs["hi"]) for a in axes]
X, Y = np.meshgrid(x[0], x[1], indexing="ij")
lo_a, hi_a = (-par["max_torque"], par["max_torque"]) if problem == "pendulum" else (-1.0, 1.0)
acts = np.linspace(lo_a, hi_a, K)

def step(s0, s1, a):  # the Gymnasium step maps, written out again
    if problem == "pendulum":
        u = np.clip(a, -par["max_torque"], par["max_torque"])
        th = np.mod(np.mod(s0 + np.pi, 2 * np.pi) + 2 * np.pi, 2 * np.pi) - np.pi
        cost = th**2 + 0.1 * s1**2 + 0.001 * u**2
        w = np.clip(s1 + (3 * par["g"] / (2 * par["l"]) * np.sin(s0) + 3 / (par["m"] * par["l"]**2) * u) * par["dt"],
                    -par["max_speed"], par["max_speed"])
        return s0 + w * par["dt"], w, cost, np.zeros_like(s0, dtype=bool)
    force = np.clip(a, -1, 1)
    v = np.clip(s1 + force * par["power"] - 0.0025 * np.cos(3 * s0), -0.07, 0.07)
    p = np.clip(s0 + v, -1.2, 0.6)
    v = np.where((p == -1.2) & (v < 0), 0.0, v)
    term = (p >= par["goal_position"]) & (v >= 0)
    return p, v, 0.1 * a**2 - np.where(term, par["goal_reward"], 0.0), term

def interp(V, p0, p1):
    idx, wt = [], []
    for k, (p, n) in enumerate(((p0, V.shape[0]), (p1, V.shape[1]))):
        h = (hi[k] - lo[k]) / (n if per[k] else n - 1)
        t = (p - lo[k]) / h
        if per[k]:
            t = t - n * np.floor(t / n); i = np.minimum(t.astype(np.int64), n - 1); j = (i + 1) % n
        else:
            t = np.clip(t, 0, n - 1); i = np.minimum(t.astype(np.int64), n - 2); j = i + 1
        idx.append((i, j)); wt.append(t - i)
    (i0, j0), (i1, j1), (w0, w1) = idx[0], idx[1], wt
    return ((1 - w0) * (1 - w1) * V[i0, i1] + (1 - w0) * w1 * V[i0, j1] + w0 * (1 - w1) * V[j0, i1]
            + w0 * w1 * V[j0, j1])

stages = {N + int(round(float(t))): k for k, t in enumerate(f["time"][...])}
V = np.zeros_like(X); worst = 0.0
for k in range(N - 1, -1, -1):
    q = []
    for a in acts:
        p0, p1, c, term = step(X, Y, a)
        q.append(c + np.where(term, 0.0, interp(V, p0, p1)))
    V = np.min(np.array(q), axis=0)
    if k in stages:
        worst = max(worst, float(np.max(np.abs(f["value/snapshot_%04d" % stages[k]][...] - V))))
print(f"{problem}: {N} stages, {len(stages)} stored, max |hjbench - numpy| = {worst:.2e}")
sys.exit(0 if worst <= 1e-10 else 1)
PY
}
"$HJBENCH" solve --problem.name pendulum "${fh[@]}" --grid.shape 41,40 --stationary.actions 5 \
  --finite_horizon.steps 4 --output.file p4.h5 > /dev/null && check_recursion p4.h5 \
  && ok "Pendulum-v1, 4 stages on 41x40: every stage equals the NumPy recursion" || fail "pendulum recursion"
"$HJBENCH" solve --problem.name mountain_car "${fh[@]}" --grid.shape 61,45 --stationary.actions 5 \
  --finite_horizon.steps 3 --grid.lo 0.2,-0.07 --output.file m3.h5 > /dev/null && check_recursion m3.h5 \
  && ok "MountainCarContinuous-v0 near the goal, 3 stages: termination and clamping equal the NumPy recursion" \
  || fail "mountain car recursion"

# --- rank independence and checkpoint/restart ---------------------------------------------------
same_tables() {  # same_tables A B: every dataset identical (values and feedback)
  "$PYTHON" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and not n.startswith("axes") else None)
d = max(float(np.max(np.abs(a[n][...] - b[n][...]))) for n in names)
print(f"{len(names)} datasets, max |difference| = {d:.1e}")
sys.exit(0 if d == 0.0 else 1)
PY
}
rk=(--problem.name pendulum "${fh[@]}" --grid.shape 61,61 --stationary.actions 7 --finite_horizon.steps 30)
"$HJBENCH" solve "${rk[@]}" --output.file r1.h5 > /dev/null || fail "1-rank run"
for n in 2 3 4; do
  mpirun -n $n "$HJBENCH" solve "${rk[@]}" --output.file r$n.h5 > /dev/null && same_tables r1.h5 r$n.h5 \
    && ok "$n ranks: bit-identical to 1 rank" || fail "$n ranks differ"
done

ck=(--problem.name mountain_car "${fh[@]}" --grid.shape 201,201 --stationary.actions 21 --finite_horizon.stages 0,500,998)
"$HJBENCH" solve "${ck[@]}" --output.file ck_full.h5 > /dev/null || fail "uninterrupted mountain car"
mpirun -n 2 "$HJBENCH" solve "${ck[@]}" --checkpoint.every_steps 50 --output.file ck.h5 > ck.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -e ck.h5.ckpt ]] && break; sleep 0.02; done
kill -USR1 "$pid"; wait "$pid"; code=$?
[[ $code -eq 5 && -e ck.h5.ckpt && ! -e ck.h5 ]] && ok "SIGUSR1 on 2 ranks mid-recursion: exit 5 with a checkpoint" \
  || { fail "finite horizon SIGUSR1: exit $code"; cat ck.log; }
mpirun -n 3 "$HJBENCH" solve "${ck[@]}" --output.file ck.h5 --restart ck.h5.ckpt > ck_restart.log 2>&1 \
  && grep -q "resuming" ck_restart.log && same_tables ck_full.h5 ck.h5 \
  && ok "restarted on 3 ranks: identical to the uninterrupted table (values and feedback)" \
  || { fail "finite horizon restart"; cat ck_restart.log; }

# --- the optimal episode return -------------------------------------------------------------------
"$HJBENCH" solve --problem.name pendulum "${fh[@]}" --grid.shape 41,40 --stationary.actions 5 \
  --finite_horizon.steps 1 --output.file p1.h5 > /dev/null
node=$("$PYTHON" -c 'import h5py; f = h5py.File("p1.h5"); print(repr(float(f["axes/theta"][5])) + "," + repr(float(f["axes/omega"][25])))')
out=$("$HJBENCH" simulate p1.h5 --x0 "$node") || fail "simulate --x0"
d=$(echo "$out" | awk '/closed loop - table/ {print $(NF-4)}')
[[ "$d" == "0.000000" || "$d" == "-0.000000" ]] && ok "one-step episode from a node: closed loop = table ($d)" \
  || { fail "one-step closed loop vs table: $d"; echo "$out"; }
out=$("$HJBENCH" simulate p4.h5 --starts 200) || fail "simulate p4"
table=$(echo "$out" | awk '/table:/ {print $NF}')
"$PYTHON" - p4.h5 "$table" <<'PY' && ok "table integral = independent Gauss quadrature of the interpolant ($table)" || fail "table integral"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1]); V = f["value/final"][...]
th, om = f["axes/theta"][...], f["axes/omega"][...]
# Bilinear cells; 2-point Gauss-Legendre per cell is exact for bilinear functions. theta periodic.
Vp = np.vstack([V, V[:1]]); thp = np.append(th, np.pi)
g = np.array([-1, 1]) / np.sqrt(3)
total = 0.0
for j in range(len(om) - 1):
    a, b = max(om[j], -1.0), min(om[j + 1], 1.0)
    if b <= a: continue
    for i in range(len(th)):
        for s in 0.5 * (thp[i] + thp[i + 1]) + 0.5 * (thp[i + 1] - thp[i]) * g:
            for t in 0.5 * (a + b) + 0.5 * (b - a) * g:
                u, w = (s - thp[i]) / (thp[i + 1] - thp[i]), (t - om[j]) / (om[j + 1] - om[j])
                v = (1-u)*(1-w)*Vp[i, j] + (1-u)*w*Vp[i, j+1] + u*(1-w)*Vp[i+1, j] + u*w*Vp[i+1, j+1]
                total += v * 0.25 * (thp[i + 1] - thp[i]) * (b - a)
expected = -total / (2 * np.pi * 2.0)
print(f"hjbench {float(sys.argv[2]):.6f}, quadrature {expected:.6f}")
sys.exit(0 if abs(expected - float(sys.argv[2])) < 2e-6 else 1)
PY

# Refinement: the paired difference closed loop - table shrinks and the table's value settles.
rows=""
for level in "51 5" "101 11" "201 21"; do
  set -- $level
  "$HJBENCH" solve --problem.name pendulum "${fh[@]}" --grid.shape "$1,$1" --stationary.actions "$2" \
    --output.file conv$1.h5 > /dev/null || fail "solve $1"
  out=$("$HJBENCH" simulate conv$1.h5 --starts 2000)
  rows+="$1 $(echo "$out" | awk '/table:/ {t=$NF} /closed loop - table/ {d=$(NF-4); e=$(NF-2)} END {print t, d, e}')"$'\n'
done
echo "$rows" | "$PYTHON" -c '
import sys, math
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
print("grid   table -E[V_0]   closed loop - table (SE)")
for n, t, d, e in rows: print(f"{int(n):4d}   {t:12.4f}   {d:8.4f} ({e:.4f})")
dt = [abs(rows[i + 1][1] - rows[i][1]) for i in range(2)]
print(f"table: successive differences {dt[0]:.4f}, {dt[1]:.4f}; observed order {math.log2(dt[0] / dt[1]):.2f}")
print(f"paired gap: observed order {math.log2(abs(rows[1][2]) / abs(rows[2][2])):.2f}")
ok = dt[1] < dt[0] and abs(rows[2][2]) < abs(rows[1][2]) < abs(rows[0][2]) and abs(rows[2][2]) < 1.0
sys.exit(0 if ok else 1)' && ok "Pendulum-v1 refinement 51/101/201: closed loop and table converge to each other" \
  || fail "refinement"

# --- bad input --------------------------------------------------------------------------------------
p=(--problem.name pendulum "${fh[@]}" --grid.shape 21,21 --output.file bad.h5)
expect 2 "at least 1 step" "horizon 0" -- "$HJBENCH" solve "${p[@]}" --finite_horizon.steps 0
expect 2 "outside \[0, 3\]" "stage beyond the horizon" -- "$HJBENCH" solve "${p[@]}" --finite_horizon.steps 3 --finite_horizon.stages 5
expect 2 "stationary.actions must be positive" "zero actions" -- "$HJBENCH" solve "${p[@]}" --stationary.actions 0
expect 2 "must be in (0, 1)" "discount above 1" -- "$HJBENCH" solve --problem.name pendulum --grid.shape 21,21 --solve.algorithm policy_iteration --stationary.discount 1.5 --output.file bad.h5
expect 2 "discount must be in (0, 1)" "a problem discount of 1" -- "$HJBENCH" solve --problem.name pendulum --grid.shape 21,21 --solve.algorithm value_iteration --problem.discount 1 --output.file bad.h5
expect 2 "no discrete-time MDP" "a problem without an MDP" -- "$HJBENCH" solve --problem.name air3d "${fh[@]}" --grid.shape 11,11,10 --output.file bad.h5
expect 2 "fixes the episode length" "--steps on a finite-horizon table" -- "$HJBENCH" simulate p4.h5 --steps 5
expect 0 "the nearest stored stage" "a table without every stage: lookahead on the nearest stored stage" -- "$HJBENCH" simulate ck_full.h5 --starts 20
"$HJBENCH" solve --problem.name mountain_car "${fh[@]}" --grid.shape 21,21 --finite_horizon.steps 2 \
  --grid.lo -0.5,-0.07 --output.file narrow.h5 > /dev/null
expect 3 "start distribution of mountain_car is not inside" "a start set outside the grid" -- "$HJBENCH" simulate narrow.h5
"$HJBENCH" train --algo sac --problem pendulum --steps 300 --output sac.h5 --evaluate.episodes 0 > /dev/null
expect 3 "finite-horizon" "a finite-horizon table where a stationary one is needed" -- "$HJBENCH" rollout sac.h5 --episodes 2 --table p4.h5
expect 3 "its horizon is 4 steps" "an episodic table of another episode length" -- "$HJBENCH" rollout sac.h5 --episodes 2 --episodic-table p4.h5
"$HJBENCH" solve --problem.name pendulum --solve.algorithm policy_iteration --grid.shape 21,21 --output.quiet --output.file pi.h5 > /dev/null
expect 3 "not a finite-horizon table" "a stationary table where a finite-horizon one is needed" -- "$HJBENCH" rollout sac.h5 --episodes 2 --episodic-table pi.h5
expect 2 "search on the stages of a finite-horizon table" "--beam on a stationary table" -- "$HJBENCH" simulate pi.h5 --beam 4
expect 2 "give one" "--beam and --lookahead together" -- "$HJBENCH" simulate p4.h5 --beam 4 --lookahead 2
expect 2 "non-negative width" "a negative beam width" -- "$HJBENCH" simulate p4.h5 --beam -1
expect 2 "non-negative number of table cells" "a negative merging cell" -- "$HJBENCH" simulate p4.h5 --beam 4 --beam.cell -1
"$HJBENCH" solve --problem.name pendulum --solve.algorithm policy_iteration --grid.shape 21,21 --problem.g 5 --output.quiet --output.file g5.h5 > /dev/null
expect 3 "solved with --problem.g = 5" "a table of other physical parameters, refused before any episode" -- "$HJBENCH" rollout sac.h5 --episodes 2 --table g5.h5
grep -q "mean return" bad.log && fail "rollout ran episodes before refusing the table" || ok "no episode ran before the refusal"
# simulate shares the starts among the ranks (the beam search's and a stationary table's feedback
# episodes): the same results on 1 and 3 of them.
for n in 1 3; do
  mpirun -n $n "$HJBENCH" simulate conv101.h5 --starts 40 --beam 8 --output.json beam$n.json > beam$n.log || fail "beam on $n ranks"
  mpirun -n $n "$HJBENCH" simulate pi.h5 --starts 40 --output.json st$n.json > st$n.log || fail "stationary on $n ranks"
done
same_json() { "$PYTHON" -c 'import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); sys.exit(0 if all(a[k] == b[k] for k in ("lower", "lower_se", "estimate")) and a.get("returns") == b.get("returns") else 1)' "$@"; }
same_json beam1.json beam3.json && grep -q "beam search of width 8" beam1.log && [[ $(grep -c "beam search" beam3.log) -eq 1 ]] \
  && ok "simulate --beam: the same per-start returns and lower end on 1 and 3 ranks, printed once" || fail "beam ranks"
same_json st1.json st3.json && [[ $(grep -c "achieved cost J" st3.log) -eq 1 ]] \
  && ok "simulate of a stationary table: the same lower end on 1 and 3 ranks, printed once" || fail "stationary ranks"
out=$("$HJBENCH" rollout sac.h5 --episodes 50 --episodic-table conv101.h5)
echo "$out" | "$PYTHON" -c '
import sys, re
text = sys.stdin.read(); print(text.strip())
mean = float(re.search(r"mean return (-?[0-9.]+)", text).group(1))
pol, opt, gap, se = map(float, re.search(r"policy return (-?[0-9.]+), table return \(estimate\) (-?[0-9.]+), gap (-?[0-9.]+) \+- ([0-9.]+)", text).groups())
sys.exit(0 if abs(pol - mean) < 0.01 and abs(gap - (opt - pol)) < 0.01 and gap > 10 * se else 1)' \
  && ok "rollout --episodic-table: a 300-step SAC policy is far below the optimal episode return (paired gap)" \
  || fail "episodic gap"

# The recursion on sparse grids (solver/algorithms/sparse_finite_horizon.hpp): on the full grid of
# caps 6,6 (level 12) it is the tensor recursion's piecewise-multilinear interpolant, so the tables agree
# to rounding at every node.
sp=(--grid.type sparse --solve.algorithm finite_horizon --stationary.actions 3 --output.quiet)
"$HJBENCH" solve --problem.name mountain_car "${sp[@]}" --grid.level 12 --grid.levels 6,6 --output.file mc_s.h5 \
  && "$HJBENCH" solve --problem.name mountain_car "${fh[@]}" --grid.shape 65,65 --stationary.actions 3 \
    --finite_horizon.stages 0 --output.file mc_t.h5 \
  && "$HJBENCH" solve --problem.name pendulum "${sp[@]}" --grid.level 12 --grid.levels 6,6 --output.file pe_s.h5 \
  && mpirun -n 3 "$HJBENCH" solve --problem.name pendulum "${sp[@]}" --grid.level 12 --grid.levels 6,6 \
    --output.file pe_s3.h5 \
  && "$HJBENCH" solve --problem.name pendulum "${fh[@]}" --grid.shape 64,65 --stationary.actions 3 \
    --finite_horizon.stages 0 --output.file pe_t.h5 || fail "sparse finite-horizon runs"
for L in 6 9; do
  "$HJBENCH" solve --problem.name mountain_car "${sp[@]}" --grid.level $L --grid.levels $L,$L --output.file mc_$L.h5 \
    || fail "sparse level $L"
done
"$HJBENCH" solve --problem.name mountain_car "${fh[@]}" --grid.shape 257,257 --stationary.actions 3 \
  --finite_horizon.stages 0 --output.file mc_fine.h5 || fail "tensor 257^2"
"$PYTHON" - <<'PY' && ok "sparse finite horizon: the full sparse grid equals the tensor recursion (MountainCar, Pendulum), ranks identical, regular levels converge" || fail "sparse finite horizon"
import sys, h5py, numpy as np
def nodes(f):
    lo, hi = f["sparse/lo"][...], f["sparse/hi"][...]
    return lo + (hi - lo) * f["sparse/index"][...] / 2.0 ** f["sparse/level"][...]
def at_nodes(t, x):
    ax = [t["axes"][n][...] for n in t.attrs["axes"].split(",")]
    idx = tuple(np.rint((x[:, k] - ax[k][0]) / (ax[k][1] - ax[k][0])).astype(int) % len(ax[k]) for k in range(2))
    return t["value/final"][...][idx], t["policy/action_0"][...][idx]
good = True
for name in ("mc", "pe"):
    s, t = h5py.File(f"{name}_s.h5"), h5py.File(f"{name}_t.h5")
    V, A = at_nodes(t, nodes(s))
    dv = float(np.max(np.abs(s["value/nodal"][...] - V)))
    da = float(np.max(np.abs(s["policy/action_0"][...] - A)))
    same_action = float(np.mean(s["policy/action_0"][...] == A))
    print(f"{name}: {len(V)} nodes, max |V_sparse - V_tensor| = {dv:.2e}, the same greedy action at "
          f"{100 * same_action:.2f} % of the nodes (ties between actions may break differently)")
    good = good and dv <= 1e-9 and same_action >= 0.99
same = np.array_equal(h5py.File("pe_s.h5")["value/nodal"][...], h5py.File("pe_s3.h5")["value/nodal"][...])
print("1 vs 3 ranks identical:", same)
# Regular sparse grids: V_0 at their nodes on the 257^2 tensor grid against its table.
errors = []
for L in (6, 9):
    f, t = h5py.File(f"mc_{L}.h5"), h5py.File("mc_fine.h5")
    x = nodes(f)
    ax = [t["axes"][n][...] for n in t.attrs["axes"].split(",")]
    on = np.all([np.abs(np.rint((x[:, k] - ax[k][0]) / (ax[k][1] - ax[k][0])) * (ax[k][1] - ax[k][0]) + ax[k][0]
                        - x[:, k]) < 1e-9 for k in range(2)], axis=0)
    V, _ = at_nodes(t, x[on])
    errors.append(float(np.mean(np.abs(f["value/nodal"][...][on] - V))))
print("regular sparse levels 6, 9: mean |V_0 - V_0(tensor 257^2)| at their nodes (on it)", errors)
sys.exit(0 if good and same and errors[1] < 0.1 * errors[0] and errors[1] < 1.0 else 1)
PY
# The recursion on an adaptive sparse grid (--grid.adaptive): grown from level 6 up to level 8 per axis
# (every node on the 257^2 lattice); at its nodes it is closer to the 257^2 tensor table than the
# regular level 9 is at its own, with fewer nodes; its values stay in the achievable range (above
# -100, the goal's reward: the limiter holds for the nodes refinement adds); 1 and 3 ranks identical.
"$HJBENCH" solve --problem.name mountain_car "${sp[@]}" --grid.level 6 --grid.levels 6,6 --grid.adaptive 0.1 \
  --grid.max_level 8 --output.file mc_ad.h5 \
  && mpirun -n 3 "$HJBENCH" solve --problem.name mountain_car "${sp[@]}" --grid.level 6 --grid.levels 6,6 \
    --grid.adaptive 0.1 --grid.max_level 8 --output.file mc_ad3.h5 \
  && "$HJBENCH" info mc_ad.h5 | grep -q "boundary basis, adaptive" || fail "adaptive sparse finite-horizon runs"
"$PYTHON" - <<'PY' && ok "sparse finite horizon on an adaptive grid: fewer nodes and closer to the 257^2 tensor table than the regular level 9, values in range, ranks identical" || fail "adaptive sparse finite horizon"
import sys, h5py, numpy as np
def nodes(f):
    lo, hi = f["sparse/lo"][...], f["sparse/hi"][...]
    return lo + (hi - lo) * f["sparse/index"][...] / 2.0 ** f["sparse/level"][...]
t = h5py.File("mc_fine.h5")
ax = [t["axes"][n][...] for n in t.attrs["axes"].split(",")]
def error(name):
    f = h5py.File(name)
    x = nodes(f)
    idx = tuple(np.rint((x[:, k] - ax[k][0]) / (ax[k][1] - ax[k][0])).astype(int) for k in range(2))
    on = np.all([np.abs(idx[k] * (ax[k][1] - ax[k][0]) + ax[k][0] - x[:, k]) < 1e-9 for k in range(2)], axis=0)
    V = t["value/final"][...][tuple(i[on] for i in idx)]
    return len(x), float(on.mean()), float(np.mean(np.abs(f["value/nodal"][...][on] - V)))
n9, _, e9 = error("mc_9.h5")
na, on, ea = error("mc_ad.h5")
a, b = h5py.File("mc_ad.h5"), h5py.File("mc_ad3.h5")
low = float(a["value/nodal"][...].min())
same = np.array_equal(a["value/nodal"][...], b["value/nodal"][...]) and np.array_equal(a["sparse/index"][...], b["sparse/index"][...])
print(f"regular level 9: {n9} nodes, mean error {e9:.3f}; adaptive to level 8: {na} nodes (all on the lattice: {on == 1.0}), "
      f"mean error {ea:.3f}, largest grid during the run {a.attrs['adaptive_largest_grid']:.0f}, lowest value {low:.6f}; "
      f"1 and 3 ranks identical: {same}")
sys.exit(0 if same and on == 1.0 and ea < e9 and na < n9 and low >= -100.0 - 1e-9 else 1)
PY
# The adaptive grid's growth is bounded: --grid.max_nodes below what the run reaches (12,882 nodes at
# its largest) stops every rank at the same stage (exit 1, no table); a negative limit is a usage
# error; a --memory-per-rank budget below the start is refused by every rank together (exit 3).
expect 1 "adaptive grid grew to" "adaptive sparse finite horizon beyond --grid.max_nodes on 2 ranks, no table" -- \
  mpirun -n 2 "$HJBENCH" solve --problem.name mountain_car "${sp[@]}" --grid.level 6 --grid.levels 6,6 \
    --grid.adaptive 0.1 --grid.max_level 8 --grid.max_nodes 3000 --output.file mc_lim.h5
left=$(ls mc_lim* 2> /dev/null)
[[ -z "$left" ]] && ok "no table or temporary left by the stopped adaptive run" || fail "the stopped adaptive run left: $left"
expect 2 "grid.max_nodes must be" "--grid.max_nodes -1" -- "$HJBENCH" solve --problem.name mountain_car "${sp[@]}" \
  --grid.level 6 --grid.levels 6,6 --grid.adaptive 0.1 --grid.max_nodes -1 --output.file mc_lim.h5
expect 3 "memory-per-rank" "sparse finite horizon over --memory-per-rank 1M on 2 ranks (refused by every rank)" -- \
  timeout 120 mpirun -n 2 "$HJBENCH" solve --problem.name mountain_car "${sp[@]}" --grid.level 6 --grid.levels 6,6 \
    --memory-per-rank 1M --output.file mc_lim.h5

# simulate on a sparse table: its lookahead (V_0 at every stage before the last, the limited sparse
# interpolant, which on the full grid is the multilinear one) replayed independently in NumPy from
# three starts on Gymnasium's Pendulum step with the table's nodal values. A 20-step episode: over
# 200 steps near the upright equilibrium NumPy's and the C library's sin (one ulp apart) drift apart.
"$HJBENCH" solve --problem.name pendulum "${sp[@]}" --grid.level 12 --grid.levels 6,6 --finite_horizon.steps 20 \
  --output.file pe_s20.h5 || fail "sparse 20-step table"
for x0 in "3.0,0.5" "-1.2,-0.8" "0.4,2.0"; do
  "$HJBENCH" simulate pe_s20.h5 --x0 "$x0" --output.json "pe_s_$x0.json" > pe_s.log || { fail "simulate $x0"; cat pe_s.log; }
done
"$PYTHON" - <<'PY' && ok "simulate on a sparse finite-horizon table: its lookahead's returns equal a NumPy replay" \
  || fail "simulate on a sparse table"
import json, h5py, numpy as np
f = h5py.File("pe_s20.h5")
lo, hi = f["sparse/lo"][...], f["sparse/hi"][...]
x = lo + (hi - lo) * f["sparse/index"][...] / 2.0 ** f["sparse/level"][...]
th_nodes, om_nodes = np.unique(x[:, 0]), np.unique(x[:, 1])
V = np.full((len(th_nodes), len(om_nodes)), np.nan)
V[np.searchsorted(th_nodes, x[:, 0]), np.searchsorted(om_nodes, x[:, 1])] = f["value/nodal"][...]
V = V[np.argsort(th_nodes)]
# The full grid: 65 x 65 nodes (the periodic angle's ends -pi and pi are both nodes, with one value).
assert not np.isnan(V).any() and V.shape == (65, 65) and np.allclose(V[0], V[-1], rtol=0, atol=1e-9)
N = int(f.attrs["episode_steps"])

def value(th, om):
    t = (th - lo[0]) / (2 * np.pi) * 64; t -= 64 * np.floor(t / 64)
    i = min(int(t), 63); wi = t - i; j = i + 1
    s = (np.clip(om, -8, 8) + 8) / 16 * 64; k = min(int(s), 63); wk = s - k
    return ((1 - wi) * ((1 - wk) * V[i, k] + wk * V[i, k + 1]) + wi * ((1 - wk) * V[j, k] + wk * V[j, k + 1]))

def step(th, om, u):  # gymnasium.envs.classic_control.pendulum.PendulumEnv.step
    cost = ((th + np.pi) % (2 * np.pi) - np.pi) ** 2 + 0.1 * om ** 2 + 0.001 * u ** 2
    om = np.clip(om + (3 * 10.0 / 2 * np.sin(th) + 3.0 * u) * 0.05, -8, 8)
    return th + om * 0.05, om, cost

bad = 0
for x0 in ("3.0,0.5", "-1.2,-0.8", "0.4,2.0"):
    th, om = map(float, x0.split(",")); total = 0.0
    for k in range(N):
        q = []
        for u in (-2.0, 0.0, 2.0):
            t2, o2, c = step(th, om, u)
            q.append(c + (value(t2, o2) if k + 1 < N else 0.0))
        u = (-2.0, 0.0, 2.0)[int(np.argmin(q))]
        th, om, c = step(th, om, u); total -= c
    got = json.load(open(f"pe_s_{x0}.json"))["lower"]
    print(f"x0 = ({x0}): hjbench {got:.9f}, NumPy {total:.9f}")
    bad += abs(got - total) > 1e-9 * (1 + abs(total))
raise SystemExit(int(bad))
PY
# Adaptive tables through simulate: grown with a threshold no surplus reaches, its nodes are the
# regular grid's, and its lookahead (the adaptive grid's limited interpolant) must achieve exactly
# the regular table's returns; the refined MountainCar table (deepest level 8 > its level 6) runs.
"$HJBENCH" solve --problem.name pendulum "${sp[@]}" --grid.level 12 --grid.levels 6,6 --finite_horizon.steps 20 \
  --grid.adaptive 1e9 --grid.max_level 12 --output.file pe_s20_ad.h5 \
  && "$HJBENCH" info pe_s20_ad.h5 | grep -q "boundary basis, adaptive" \
  && "$HJBENCH" simulate pe_s20.h5 --starts 50 --output.json pe_reg.json > /dev/null \
  && "$HJBENCH" simulate pe_s20_ad.h5 --starts 50 --output.json pe_ad.json > /dev/null \
  && "$PYTHON" -c 'import json, sys; a, b = (json.load(open(f))["lower"] for f in ("pe_reg.json", "pe_ad.json")); print(a, b); sys.exit(0 if a == b else 1)' \
  && "$HJBENCH" simulate mc_ad.h5 --starts 20 | grep -q "closed loop: greedy 1-step lookahead" \
  && ok "simulate on adaptive sparse finite-horizon tables: the regular table's returns on the same nodes; a refined grid" \
  || fail "simulate on an adaptive sparse table"

# The error indicator of sparse finite-horizon tables (the recursion repeated one and two levels
# coarser; adaptive tables at 4x and 16x the threshold): on the 257^2 lattice above the level-9
# table's difference to the 257^2 tensor table at >= 95 % of the points; info and simulate report it.
"$HJBENCH" sample mc_9.h5 --grid.shape 257,257 --output.file mc_9s.h5 > /dev/null \
  && "$PYTHON" - <<'PY' && ok "sparse finite-horizon error indicator above the difference to the 257^2 table at >= 95 % of its points" \
  || fail "sparse finite-horizon error indicator"
import sys, h5py, numpy as np
s, t = h5py.File("mc_9s.h5"), h5py.File("mc_fine.h5")
err = np.abs(s["value/final"][...] - t["value/final"][...])
eta = s["error/indicator"][...]
covered = float(np.mean(eta >= err))
print(f"level 9 on the 257^2 lattice: mean |V - V_tensor| {err.mean():.3f}, mean indicator {eta.mean():.3f}, "
      f"indicator >= difference at {100 * covered:.1f} %")
sys.exit(0 if covered >= 0.95 else 1)
PY
"$HJBENCH" info mc_ad.h5 | grep -q "error indicator (max(2" \
  && "$HJBENCH" simulate mc_ad.h5 --starts 20 | grep -q "the table's error indicator at the starts" \
  && ok "info and simulate report a sparse finite-horizon table's error indicator" || fail "indicator in info/simulate"

finish
