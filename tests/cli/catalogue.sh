#!/usr/bin/env bash
# A catalogue of ground truth: `hjbench sweep` expands 4 parameter sets of Air3D into a job array;
# its plain mpirun loop, interrupted by SIGTERM in the second job and run again (the complete table
# skipped, the interrupted job resumed from its checkpoint), yields the same tables bit for bit as an
# uninterrupted loop; `hjbench index` lists them with parameters, wall time, attempts and links that
# h5py follows; `evaluate --index` picks the table matching the policy's environment and refuses,
# naming the nearest, when none does; malformed specifications are refused naming file, line or job.
# Usage: catalogue.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap '[[ -n "${KEEP:-}" ]] || rm -rf "$work"; kill $(jobs -p) 2>/dev/null' EXIT
cd "$work"
cat > air.ini <<'INI'
# Air3D backward reachable tubes for two capture radii and two pursuer speeds
[sweep]
name = air3d
ranks = 2
[solve]
problem.name = air3d
grid.shape = 41,41,40
time.horizon = 2.8
time.snapshots = 4
solve.mode = brt
checkpoint.every_steps = 10
output.quiet =
[vary]
problem.capture_radius = 4 | 5
problem.pursuer_speed = 5 | 6
INI
"$HJBENCH" sweep air.ini --output full > sweep.log 2>&1 && [[ -x full/run_all.sh && -x full/slurm.sh ]] \
  && grep -q "array=0-3" full/slurm.sh && ok "sweep: 4 jobs, run_all.sh and a Slurm array script" \
  || { fail "sweep"; cat sweep.log; }
bash full/run_all.sh > full.log 2>&1 && [[ $(ls full/tables/*.h5 | wc -l) -eq 4 ]] \
  && ok "uninterrupted loop: 4 tables" || { fail "uninterrupted loop"; cat full.log; }
bash full/run_all.sh > again.log 2>&1 && [[ $(grep -c "complete, skipped" again.log) -eq 4 ]] \
  && ok "a second run skips the 4 complete tables" || { fail "rerun"; cat again.log; }

"$HJBENCH" sweep air.ini --output part > /dev/null 2>&1 || fail "sweep part"
bash part/run_all.sh > part.log 2>&1 &
loop=$!
for _ in $(seq 1 1200); do [[ -e part/tables/air3d_0001.h5.ckpt ]] && break; sleep 0.02; done
pkill -TERM -f "^[^ ]*hjbench solve .*--output.file $work/part/tables/air3d_0001.h5"  # the ranks, not mpirun
wait "$loop"; code=$?
if [[ $code -eq 5 && -e part/tables/air3d_0000.h5 && ! -e part/tables/air3d_0001.h5 && -e part/tables/air3d_0001.h5.ckpt ]]; then
  ok "SIGTERM in job 1: the loop stops with exit 5, job 0 complete, job 1 checkpointed"
else fail "interrupt: exit $code, $(ls part/tables)"; cat part.log; fi
bash part/run_all.sh > resume.log 2>&1 && grep -q "air3d_0000: complete, skipped" resume.log \
  && grep -q "resuming from" part/logs/air3d_0001.log && ok "run again: job 0 skipped, job 1 resumed, 2 and 3 run" \
  || { fail "resume"; cat resume.log; }
"$PYTHON" - <<'PY' && ok "interrupted and resumed sweep: the same 4 tables bit for bit" || fail "tables differ"
import h5py, numpy as np, sys
bad = 0
for i in range(4):
    a, b = h5py.File(f"full/tables/air3d_{i:04d}.h5"), h5py.File(f"part/tables/air3d_{i:04d}.h5")
    names = [k for k in a["value"] if k != "final"]
    bad += sum(not np.array_equal(a["value/" + k][...], b["value/" + k][...]) for k in names)
print("differing snapshots:", bad)
sys.exit(0 if bad == 0 else 1)
PY

"$HJBENCH" index part > index.log 2>&1 || { fail "index"; cat index.log; }
mkdir elsewhere && (cd elsewhere && "$PYTHON" - <<'PY') && ok "index: 4 tables, parameters, attempts (2 for job 1), links h5py follows" || fail "index contents"
import h5py, json, sys
r = json.load(open("../part/index.json"))
t = {e["path"]: e for e in r["tables"]}
ok = len(t) == 4 and t["tables/air3d_0001.h5"]["attempts"] == 2 and t["tables/air3d_0000.h5"]["attempts"] == 1
ok = ok and t["tables/air3d_0003.h5"]["parameters"]["capture_radius"] == 5 and t["tables/air3d_0003.h5"]["parameters"]["pursuer_speed"] == 6
ok = ok and all(e["wall_seconds"] > 0 and "air3d" in e["provenance"]["command_line"] for e in r["tables"])
f = h5py.File("../part/index.h5")
shapes = [f["tables"][k]["table"]["value/final"].shape for k in f["tables"]]
print(len(t), shapes)
sys.exit(0 if ok and shapes == [(41, 41, 40)] * 4 else 1)
PY

# evaluate --index: Pendulum-v1 tables for two masses; the policy's environment has m = 1.
cat > pend.ini <<'INI'
[sweep]
name = pendulum
[solve]
problem.name = pendulum
solve.algorithm = policy_iteration
output.quiet =
[vary]
problem.m = 1 | 1.3
grid.shape = 31,31 | 41,41
INI
"$HJBENCH" sweep pend.ini --output pend > /dev/null 2>&1 && bash pend/run_all.sh > pend.log 2>&1 \
  && "$HJBENCH" index pend > /dev/null 2>&1 || { fail "pendulum sweep"; cat pend.log; }
"$HJBENCH" train --algo ppo --steps 4096 --output weak.h5 --evaluate.episodes 0 > /dev/null 2>&1 || fail "train"
"$HJBENCH" evaluate --index pend --policy weak.h5 --starts 5 --domain-points 100 > eval.log 2>&1 \
  && grep -q "pendulum_0001.h5 (tensor 41x41" eval.log && ok "evaluate --index: the finest table with m = 1" \
  || { fail "evaluate --index"; cat eval.log; }
rm pend/tables/pendulum_0000.h5 pend/tables/pendulum_0001.h5 && "$HJBENCH" index pend > /dev/null 2>&1
refuse 3 "nearest: tables/pendulum_0002.h5 (m = 1.3)" -- "$HJBENCH" evaluate --index pend --policy weak.h5
refuse 3 "no index.h5 there" -- "$HJBENCH" evaluate --index . --policy weak.h5
refuse 2 "one of --table and --index" -- "$HJBENCH" evaluate --index pend --table x.h5 --policy weak.h5

# Malformed specifications: file and line, or the job, named; nothing written.
printf '[sweep]\nname = s\n[solve]\noutput.file = x.h5\n' > reserved.ini
refuse 2 "reserved.ini:4: 'output.file' is set by the sweep itself" -- "$HJBENCH" sweep reserved.ini --output r1
printf '[sweep]\nname = s\n[grid]\nshape = 3\n' > section.ini
refuse 2 "section.ini:3: unknown section [grid]" -- "$HJBENCH" sweep section.ini --output r2
printf '[sweep]\nname = s\n[solve]\nproblem.name = air3d\n[vary]\ngrid.shape = 21,21,20 | 21,21\n' > job.ini
refuse 2 "job 1 (grid.shape = 21,21)" -- "$HJBENCH" sweep job.ini --output r3
printf '[sweep]\nname = s\n[solve]\nproblem.name = air3d\n[vary]\nproblem.bogus = 1 | 2\n' > option.ini
refuse 2 "problem.bogus" -- "$HJBENCH" sweep option.ini --output r4
printf '[sweep]\nname = bad name\n' > name.ini
refuse 2 "name must be letters" -- "$HJBENCH" sweep name.ini --output r5
refuse 3 "holds the sweep of another specification" -- "$HJBENCH" sweep pend.ini --output part
[[ ! -e r1 && ! -e r2 && ! -e r4 && ! -e r5 ]] && ok "refused specifications wrote nothing" || fail "files left: $(ls -d r* 2>/dev/null)"
finish
