#!/usr/bin/env bash
# Batch safety on a shared cluster, one check per way a careless or unlucky user (or neighbour
# job, or full disk) can lose data, hang or be lied to: every case must end with the documented
# exit code and message, no hang, no published table changed, no temporary file left behind.
# Usage: batch_safety.sh PATH/TO/hjbench PYTHON DATA_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2 DATA=$3
CFG="$DATA/configs"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d)
mounted=""
cleanup() { [[ -n "$mounted" ]] && umount "$mounted" 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work" || exit 1
check() { if eval "$2"; then ok "$1"; else fail "$1"; [[ -f log ]] && tail -5 log; fi; }
leftovers() { find "${1:-.}" -name '*.tmp' -o -name '*.lock' | head -1; }
small=(solve "$CFG/air3d.ini" --grid.shape 21,21,20 --time.horizon 0.2 --output.quiet)
# A run still going when the next command starts after `sleep 1` (1.5 horizon: 1.8 s on one AVX-512
# core since the method-of-lines speed-up of 2026-12-05, which made the old 0.5 finish in 0.6 s).
slow=(solve "$CFG/air3d.ini" --grid.shape 31,31,30 --time.horizon 1.5 --scheme.cfl 0.05 --output.quiet)
# Runs that a wall-time limit must stop: several times longer than the limit on a fast core (about
# 14 s unstopped).
slower=(solve "$CFG/air3d.ini" --grid.shape 31,31,30 --time.horizon 12 --scheme.cfl 0.05 --output.quiet)

echo "== 1. full disk: refused before work, or survived by the reservation; never a hang"
if mkdir -p small && mount -t tmpfs -o size=3m tmpfs small 2> /dev/null; then
  mounted="$work/small"
  start=$SECONDS
  timeout 150 mpirun -n 2 "$HJBENCH" solve "$CFG/air3d.ini" --grid.shape 41,41,40 --time.horizon 0.1 \
    --time.snapshots 8 --output.file small/t.h5 --output.quiet > log 2>&1
  code=$?
  check "2 ranks, 3 MB disk: exit 3 before work ($((SECONDS - start)) s) naming the space, nothing left" \
    '[[ $code -eq 3 ]] && grep -q "available" log && [[ -z "$(ls small)" ]]'
  timeout 150 "$HJBENCH" solve "$CFG/air3d.ini" --grid.shape 41,41,40 --time.horizon 0.1 --time.snapshots 8 \
    --output.file small/t.h5 --output.quiet > log 2>&1
  code=$?
  check "1 rank, same disk: exit 3, no crash at shutdown" '[[ $code -eq 3 ]] && [[ -z "$(ls small)" ]]'
  # A neighbour fills the disk while the run is under way: the table's space was reserved when it
  # was created, so the run either completes or fails cleanly (exit 1) on the small sidecar.
  timeout 150 mpirun -n 2 "$HJBENCH" "${slow[@]}" --time.snapshots 8 --output.file small/t.h5 > log 2>&1 &
  pid=$!
  sleep 1.5
  dd if=/dev/zero of=small/filler bs=64k > /dev/null 2>&1
  wait $pid
  code=$?
  if [[ $code -eq 0 ]]; then
    check "disk filled during the run: the reserved table is complete" \
      '"$HJBENCH" info small/t.h5 > info.txt 2>&1 && ! grep -q PARTIAL info.txt && [[ -z "$(leftovers small)" ]]'
  else
    check "disk filled during the run: exit 1 with the message, no temporary file ($code)" \
      '[[ $code -eq 1 ]] && grep -q "disk full" log && [[ -z "$(leftovers small)" && ! -e small/t.h5 ]]'
  fi
  # The same during checkpoint writes (they had no reservation: HDF5 failed to close the half-written
  # checkpoint and every rank crashed in MPI_Finalize, exit 139). Now each checkpoint reserves its
  # blocks and keeps a spare file to close on: exit 1 naming the disk, or complete; never a signal.
  for ranks in 1 2; do
    rm -rf small/*
    timeout 150 mpirun -n $ranks "$HJBENCH" "${slow[@]}" --checkpoint.every_steps 5 --output.file small/t.h5 \
      > log 2>&1 &
    pid=$!
    sleep 1.5
    dd if=/dev/zero of=small/filler bs=64k > /dev/null 2>&1
    wait $pid
    code=$?
    check "$ranks rank(s), disk filled during checkpoint writes: exit 0 or 1 with the message, no crash ($code)" \
      '[[ $code -eq 0 || ( $code -eq 1 && $(grep -c "disk" log) -ge 1 ) ]] && ! grep -q "Segmentation" log \
       && [[ -z "$(leftovers small)" ]]'
  done
  umount small && mounted=""
else
  echo "skip full-disk cases: this machine does not allow mounting a tmpfs (not root, or no CAP_SYS_ADMIN)"
fi

echo "== fault injection: an I/O error at each write site, on one rank of two"
for site in table_create@0 table_create@1 snapshot_write@0 snapshot_write@1 checkpoint@0 checkpoint@1 \
  sidecar@0 history@0; do
  rm -rf inj && mkdir inj
  echo "published earlier" > inj/t.h5
  start=$SECONDS
  HJB_INJECT_IO_FAILURE=$site timeout 30 mpirun -n 2 -x HJB_INJECT_IO_FAILURE "$HJBENCH" "${small[@]}" \
    --time.snapshots 2 --output.file inj/t.h5 --output.history inj/h.csv --checkpoint.every_steps 2 > log 2>&1
  code=$?
  check "$site: every rank exit 1 within 30 s ($((SECONDS - start)) s), message, t.h5 unchanged, nothing left" \
    '[[ $code -eq 1 ]] && grep -q "hjbench: error: rank" log && [[ "$(cat inj/t.h5)" == "published earlier" ]] \
     && [[ "$(ls inj | tr "\n" " ")" == "t.h5 " ]]'
done

echo "== 2. two runs with the same output"
rm -f t.h5
"$HJBENCH" "${slow[@]}" --output.file t.h5 --problem.capture_radius 4 > first.log 2>&1 &
first=$!
sleep 1
"$HJBENCH" "${small[@]}" --output.file t.h5 > log 2>&1
code=$?
wait $first
first_code=$?
check "the second run is refused (exit 3) naming the live run's lock" \
  '[[ $code -eq 3 ]] && grep -q "another run is writing t.h5" log'
check "the first run publishes its own table (exit 0, its parameters)" \
  '[[ $first_code -eq 0 ]] && "$PYTHON" -c "import h5py,sys; sys.exit(0 if h5py.File(\"t.h5\")[\"problem\"].attrs[\"capture_radius\"] == 4 else 1)"'
echo "$(hostname) 999999" > t.h5.lock
"$HJBENCH" "${small[@]}" --output.file t.h5 > log 2>&1
check "a stale lock (dead process on this host) is replaced" '[[ $? -eq 0 && ! -e t.h5.lock ]]'
echo "some-other-host 12345" > t.h5.lock
"$HJBENCH" "${small[@]}" --output.file t.h5 > log 2>&1
check "a lock from another host is respected (exit 3, says how to clear it)" \
  '[[ $? -eq 3 ]] && grep -q "remove the lock file" log'
rm -f t.h5.lock

echo "== 3. every output is a different file"
cp t.h5 keep.h5
"$HJBENCH" "${small[@]}" --output.file t.h5 --output.history t.h5 > log 2>&1
check "--output.history = the table: exit 3 before work, table unchanged" \
  '[[ $? -eq 3 ]] && grep -q "same file" log && cmp -s t.h5 keep.h5'
"$HJBENCH" "${small[@]}" --output.file t.h5 --checkpoint.file ./t.h5 > log 2>&1
check "--checkpoint.file = the table: exit 3" '[[ $? -eq 3 ]] && grep -q "same file" log && cmp -s t.h5 keep.h5'
"$HJBENCH" "${small[@]}" --output.file t.h5 --output.history t.xmf > log 2>&1
check "--output.history = the sidecar: exit 3" '[[ $? -eq 3 ]] && grep -q "sidecar" log'

echo "== 4. devices and FIFOs are never replaced"
mkfifo fifo.h5
"$HJBENCH" "${small[@]}" --output.file fifo.h5 > log 2>&1
check "a FIFO at --output.file: exit 3, still a FIFO" '[[ $? -eq 3 && -p fifo.h5 ]] && grep -q "FIFO" log'
"$HJBENCH" "${small[@]}" --output.file t.h5 --output.history /dev/null > log 2>&1
check "/dev/null as --output.history: exit 3, /dev/null still a device" \
  '[[ $? -eq 3 && -c /dev/null ]] && grep -q "character device" log'
"$HJBENCH" train --algo ppo --steps 100 --evaluate.episodes 0 --output fifo.h5 > log 2>&1
check "train --output FIFO: exit 3" '[[ $? -eq 3 && -p fifo.h5 ]] && grep -q "regular file" log'

echo "== 5. blocks narrower than the stencil"
mpirun -n 3 "$HJBENCH" solve --problem.name eikonal --grid.shape 6 --time.horizon 0.1 --output.file e.h5 \
  --output.quiet > log 2>&1
check "WENO5 on 6 nodes over 3 ranks: refused (exit 3) naming the minimum block width" \
  '[[ $? -eq 3 ]] && grep -q "minimum block width 3" log && [[ ! -e e.h5 ]]'

echo "== 6. an interrupted run's checkpoint is not silently discarded"
rm -f w.h5*
"$HJBENCH" "${slower[@]}" --output.file w.h5 --walltime 2 > log 2>&1
check "--walltime 2: exit 5 with a checkpoint" '[[ $? -eq 5 && -e w.h5.ckpt ]]'
"$HJBENCH" "${small[@]}" --output.file w.h5 > log 2>&1
check "a fresh run of the same output: exit 3 naming --restart and --overwrite, checkpoint kept" \
  '[[ $? -eq 3 && -e w.h5.ckpt ]] && grep -q -- "--restart" log && grep -q -- "--overwrite" log && [[ -n "$(ls w.h5.*.tmp)" ]]'
"$HJBENCH" "${small[@]}" --output.file w.h5 --overwrite > log 2>&1
check "--overwrite discards the old checkpoint and partial table, then runs" \
  '[[ $? -eq 0 && -e w.h5 && ! -e w.h5.ckpt ]] && [[ -z "$(ls w.h5.*.tmp 2> /dev/null)" ]]'

echo "== 7. directories at the sidecar or checkpoint path are found before work"
mkdir d.xmf
start=$SECONDS
"$HJBENCH" "${slow[@]}" --output.file d.h5 > log 2>&1
check "a directory at the sidecar path: exit 3 at once ($((SECONDS - start)) s)" \
  '[[ $? -eq 3 && $((SECONDS - start)) -lt 5 ]] && grep -q "directory" log'
mkdir c.ckpt
"$HJBENCH" "${slow[@]}" --output.file c.h5 --checkpoint.file c.ckpt > log 2>&1
check "a directory at the checkpoint path: exit 3 at once" '[[ $? -eq 3 ]] && grep -q -- "--checkpoint.file" log'

echo "== 8. limits checked before work"
"$HJBENCH" "${small[@]}" --output.file s.h5 --time.snapshots 1000000 > log 2>&1
check "--time.snapshots 1000000: exit 2 naming the limit, no file" \
  '[[ $? -eq 2 && ! -e s.h5 ]] && grep -q "at most 4000 snapshots" log && [[ -z "$(leftovers)" ]]'
# Under a 2 GiB address-space limit: the plan and the refusal come before the solver allocates
# (its arrays would take 16 GiB here; the dry run constructed it until the seventeenth session).
(ulimit -v 2000000 && exec "$HJBENCH" solve "$CFG/air3d.ini" --grid.shape 1001,1001,1000 --time.snapshots 100 --dry-run \
  --output.file s.h5) > log 2>&1
check "--dry-run of a table larger than the disk: exit 3 naming the space, nothing allocated" \
  '[[ $? -eq 3 ]] && grep -q "available" log && grep -q "total per rank:" log'
# Out of memory without a budget (a 2 GiB address-space limit; the plan is 4.2 GiB per rank): said,
# the job ended, nothing published.
(ulimit -v 2000000 && exec timeout 120 mpirun -n 2 "$HJBENCH" solve "$CFG/air3d.ini" --grid.shape 401,401,400 \
  --time.snapshots 1 --output.file oom.h5) > log 2>&1
check "out of memory on 2 ranks: exit 1 naming it, no file" \
  '[[ $? -eq 1 && ! -e oom.h5 ]] && grep -q "ran out of memory" log'
# Out of memory on one rank only, while the other marches on into a collective call: the job is
# aborted at the failing allocation (unwinding would hang in a collective file close), the published
# table stays; the aborted run's lock and temporary table are stale and the next run removes them.
for site in allocation@0 allocation@1; do
  echo "published earlier" > a.h5
  HJB_INJECT_IO_FAILURE=$site timeout 30 mpirun -n 2 -x HJB_INJECT_IO_FAILURE "$HJBENCH" "${small[@]}" \
    --output.file a.h5 > log 2>&1
  code=$?
  check "$site out of memory: exit 1 within 30 s naming the rank, a.h5 unchanged" \
    '[[ $code -eq 1 ]] && grep -q "rank ${site#*@} ran out of memory" log && [[ "$(cat a.h5)" == "published earlier" ]]'
  read -r _ pid < a.h5.lock
  for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done  # the abort's kill lands
  "$HJBENCH" "${small[@]}" --output.file a.h5 > log 2>&1
  check "$site: the next run replaces the stale lock and its temporary table" \
    '[[ $? -eq 0 && ! -e a.h5.lock ]] && [[ -z "$(find . -name "a.h5.*.tmp")" ]]'
done
"$HJBENCH" solve --problem.name pendulum --grid.shape 51,51 --solve.algorithm policy_iteration --memory-per-rank 1K \
  --output.file p.h5 > log 2>&1
check "policy iteration over --memory-per-rank 1K: exit 3" '[[ $? -eq 3 && ! -e p.h5 ]] && grep -q -- "--memory-per-rank" log'
"$HJBENCH" solve --problem.name pendulum --grid.shape 201,201 --solve.algorithm value_iteration \
  --stationary.actions 2000000000 --output.file p.h5 > log 2>&1
check "an absurd action count: exit 3 naming --stationary.actions (no bad_alloc)" \
  '[[ $? -eq 3 && ! -e p.h5 ]] && grep -q -- "--stationary.actions" log'
"$HJBENCH" solve --problem.name pendulum --grid.shape 51,51 --solve.algorithm policy_iteration --dry-run \
  --output.file p.h5 > log 2>&1
check "a stationary --dry-run prints the plan and writes nothing" '[[ $? -eq 0 && ! -e p.h5 ]] && grep -q "transitions" log'
for case in "--scheme.cfl 1e-300" "--grid.lo=0,-10,0 --grid.hi=1e-300,10,6.283185307179586" \
  "--problem.evader_speed 1e300"; do
  # shellcheck disable=SC2086
  timeout 60 "$HJBENCH" "${small[@]}" --output.file m.h5 $case > log 2>&1
  check "$case: a usage error naming --time.max_steps, at once" '[[ $? -eq 2 ]] && grep -q -- "--time.max_steps" log'
done
"$HJBENCH" "${small[@]}" --output.file m.h5 --grid.lo=-1e308,-10,0 --grid.hi=1e308,10,6.283185307179586 > log 2>&1
check "an overflowing span: a usage error (exit 2), not a numerical failure" '[[ $? -eq 2 ]] && grep -q "spans" log'

echo "== 9. periodic axes keep their period"
"$HJBENCH" "${small[@]}" --output.file m.h5 --grid.lo=-6,-10,0 --grid.hi=20,10,3 > log 2>&1
check "psi bounds [0, 3): exit 2 naming the period" '[[ $? -eq 2 ]] && grep -q "periodic with period" log'
"$HJBENCH" "${small[@]}" --output.file m.h5 --grid.lo=-6,-10,-3.141592653589793 --grid.hi=20,10,3.141592653589793 \
  > log 2>&1
check "psi bounds shifted to [-pi, pi): accepted" '[[ $? -eq 0 ]]'

echo "== 10. a second SIGTERM during shutdown keeps exit 5"
rm -f k.h5*
"$HJBENCH" "${slow[@]}" --output.file k.h5 > log 2>&1 &
pid=$!
sleep 1
while kill -0 $pid 2> /dev/null; do kill -TERM $pid 2> /dev/null; sleep 0.02; done
wait $pid
check "SIGTERM repeated every 20 ms until the process is gone: exit 5, checkpoint kept" '[[ $? -eq 5 && -e k.h5.ckpt ]]'

echo "== 11. smaller lies"
"$HJBENCH" "${small[@]}" --output.file m.h5 --grid.sha 11,11,10 > log 2>&1
check "--grid.sha (abbreviated): exit 2" '[[ $? -eq 2 ]]'
"$HJBENCH" "${small[@]}" --output.file m.h5 --output.q > log 2>&1
check "--output.q (abbreviated): exit 2" '[[ $? -eq 2 ]]'
"$HJBENCH" train --algo ppo --stp 100 > log 2>&1
check "train --stp (abbreviated): exit 2" '[[ $? -eq 2 ]]'
printf '[problem]\nname = air3d\n[grid]\nshape = 21,21,20\n[time]\nhorizon = 0.3\n' > h.ini
"$HJBENCH" solve h.ini --time.times 0.1,0.2 --output.file ti.h5 --output.quiet > log 2>&1
check "INI horizon + command-line --time.times: the command line wins" \
  '[[ $? -eq 0 ]] && "$PYTHON" -c "import h5py,sys; sys.exit(0 if list(h5py.File(\"ti.h5\")[\"time\"][...]) == [0.0, -0.1, -0.2] else 1)"'
printf '[problem]\nname = air3d\n[grid]\nshape = 21,21,20\n[time]\nhorizon = 0.3\ntimes = 0.1,0.2\n' > both.ini
"$HJBENCH" solve both.ini --output.file ti2.h5 --output.quiet > log 2>&1
check "both in the INI: exit 2 naming the file" '[[ $? -eq 2 ]] && grep -q "both.ini" log'
mkdir -p adir
"$HJBENCH" info adir > log 2>&1
check "info on a directory: exit 3 'is a directory'" '[[ $? -eq 3 ]] && grep -q "is a directory" log'
"$HJBENCH" "${slower[@]}" --output.file part.h5 --walltime 1.5 > log 2>&1
"$HJBENCH" info part.h5.*.tmp > log 2>&1
check "info on a partial .tmp says PARTIAL" 'grep -q PARTIAL log'
cp t.h5 v99.h5
"$PYTHON" -c "import h5py; f = h5py.File('v99.h5', 'r+'); f.attrs['schema_version'] = 99.0"
"$HJBENCH" info v99.h5 > log 2>&1
check "schema_version 99: exit 3" '[[ $? -eq 3 ]] && grep -q "schema version 99" log'
cp t.h5 nan.h5
"$PYTHON" -c "import h5py, numpy as np; f = h5py.File('nan.h5', 'r+'); d = f['value/snapshot_0001']; v = d[...]; v[3, 4, 5] = np.nan; d[...] = v"
"$HJBENCH" info nan.h5 > log 2>&1
check "NaN in a table: exit 3 naming the snapshot" '[[ $? -eq 3 ]] && grep -q "snapshot 1 holds a non-finite" log'
"$HJBENCH" "${small[@]}" --output.file 'a&b<c.h5' > log 2>&1
check "XDMF of 'a&b<c.h5' is well-formed and names the file" \
  '"$PYTHON" -c "import xml.etree.ElementTree as E; t = E.parse(\"a&b<c.xmf\"); assert \"a&b<c.h5:\" in t.getroot().find(\".//DataItem\").text"'
"$HJBENCH" solve --problem.name pendulum --grid.shape 31,31 --solve.algorithm value_iteration --output.quiet \
  --output.file q.h5 > log 2>&1
check "value iteration honours --output.quiet (no iteration lines)" \
  '[[ $? -eq 0 ]] && ! grep -q "^value iteration " log && grep -q "converged" log'
"$HJBENCH" train --algo ppo --steps 100 --evaluate.episodes 0 --output ppo.h5 > log 2>&1
check "train --steps 100 says it trained 4096 steps and why" '[[ $? -eq 0 ]] && grep -q "4096 environment steps (--steps 100 rounded up" log'
"$HJBENCH" "${small[@]}" --output.file m.h5 --problem.capture_radius -1 > log 2>&1
check "a negative capture radius: exit 2 naming it" '[[ $? -eq 2 ]] && grep -q -- "--problem.capture_radius must be positive" log'
cp ppo.h5 nanpolicy.h5
"$PYTHON" -c "import h5py, numpy as np; f = h5py.File('nanpolicy.h5', 'r+'); d = f['actor/weight_0']; v = d[...]; v[0, 0] = np.nan; d[...] = v"
"$HJBENCH" rollout nanpolicy.h5 --episodes 2 > log 2>&1
check "NaN in policy weights: exit 3" '[[ $? -eq 3 ]] && grep -q "non-finite" log'
cp ppo.h5 bounds.h5
"$PYTHON" -c "import h5py; f = h5py.File('bounds.h5', 'r+'); f['action_low'][...] = [3.0]"
"$HJBENCH" rollout bounds.h5 --episodes 2 > log 2>&1
check "inverted action bounds: exit 3" '[[ $? -eq 3 ]] && grep -q "not an interval" log'
cp ppo.h5 corrupt.h5
"$PYTHON" -c "import h5py; f = h5py.File('corrupt.h5', 'r+'); del f.attrs['problem']; f.attrs['problem'] = 'pendul\x01um'"
"$HJBENCH" rollout corrupt.h5 --episodes 2 > log 2>&1
check "a corrupt problem attribute: exit 3 naming the policy file (not --problem)" \
  '[[ $? -eq 3 ]] && grep -q "corrupt.h5: the policy names problem" log'

finish
