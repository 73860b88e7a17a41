#!/usr/bin/env bash
# Checkpoint/restart of `hjbench solve`: SIGUSR1 on 2 ranks -> exit 5 with a checkpoint and no
# table; restart on 3 ranks -> the same table as an uninterrupted run (<= 1e-12); SIGTERM to the
# ranks and --walltime behave alike; a checkpoint of another grid is refused.
# Usage: checkpoint_restart.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null' EXIT
cd "$work"
args=(--problem.name air3d --grid.shape 41,41,40 --time.horizon 2.8 --time.snapshots 4 --solve.mode brt --output.quiet)

"$HJBENCH" solve "${args[@]}" --output.file full.h5 > /dev/null || fail "uninterrupted run"

# Run on 2 ranks, checkpoint every 10 steps; signal once the first checkpoint exists.
interrupt() {  # interrupt SIGNAL TARGET(mpirun|ranks) OUTPUT
  mpirun -n 2 "$HJBENCH" solve "${args[@]}" --checkpoint.every_steps 10 --output.file "$3" > "$3.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do [[ -e "$3.ckpt" ]] && break; sleep 0.05; done
  if [[ $2 == mpirun ]]; then kill "-$1" "$pid"; else pkill "-$1" -f "^$HJBENCH solve .*--output.file $3"; fi
  wait "$pid"
}
compare() {  # compare A B [BOUND]: max |difference| over all snapshots <= BOUND (default 1e-12)
  "$PYTHON" - "$1" "$2" "${3:-1e-12}" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
d = max(float(np.max(np.abs(a["value/" + k][...] - b["value/" + k][...]))) for k in a["value"] if k != "final")
print(f"max |difference| = {d:.3e} (bound {sys.argv[3]})")
sys.exit(0 if d <= float(sys.argv[3]) else 1)
PY
}

interrupt USR1 mpirun part.h5; code=$?
if [[ $code -eq 5 && -e part.h5.ckpt && -n "$(ls part.h5.*.tmp 2>/dev/null)" && ! -e part.h5 ]] && grep -q "SIGUSR1" part.h5.log; then
  ok "SIGUSR1 on 2 ranks: exit 5, checkpoint and partial table kept, no table published"
else fail "SIGUSR1: exit $code, files: $(ls)"; cat part.h5.log; fi
mpirun -n 3 "$HJBENCH" solve "${args[@]}" --output.file part.h5 --restart part.h5.ckpt > restart.log 2>&1 \
  && ok "restart on 3 ranks" || { fail "restart on 3 ranks"; cat restart.log; }
compare full.h5 part.h5 && ok "restarted table equals the uninterrupted one" || fail "restarted table differs"
[[ ! -e part.h5.ckpt && -z "$(ls part.h5.*.tmp 2>/dev/null)" && ! -e part.h5.lock ]] && ok "checkpoint and partial table removed after success" || fail "leftovers: $(ls)"

interrupt TERM ranks term.h5; code=$?
[[ $code -eq 5 && -e term.h5.ckpt && ! -e term.h5 ]] && grep -q "SIGTERM" term.h5.log && ok "SIGTERM to the ranks (as Slurm sends it): exit 5 with a checkpoint" \
  || { fail "SIGTERM: exit $code"; cat term.h5.log; }
"$HJBENCH" solve "${args[@]}" --output.file term.h5 --restart term.h5.ckpt > /dev/null 2>&1 && compare full.h5 term.h5 \
  && ok "restart after SIGTERM on 1 rank equals the uninterrupted table" || fail "restart after SIGTERM"

# (the whole run takes 0.42 s on one AVX-512 core: the limit stops it at about a quarter)
"$HJBENCH" solve "${args[@]}" --output.file wall.h5 --walltime 0.1 > wall.log 2>&1; code=$?
[[ $code -eq 5 && -e wall.h5.ckpt ]] && grep -q "wall-time" wall.log && ok "--walltime 0.1: exit 5 with a checkpoint" \
  || { fail "--walltime: exit $code"; cat wall.log; }
"$HJBENCH" solve "${args[@]/41,41,40/31,31,30}" --output.file wall.h5 --restart wall.h5.ckpt > other.log 2>&1; code=$?
[[ $code -eq 3 ]] && grep -q "another run" other.log && ok "a checkpoint of another grid is refused (exit 3)" \
  || { fail "foreign checkpoint: exit $code"; cat other.log; }

# The semi-Lagrangian option (steps of 2 stable steps: 88 of them): SIGUSR1 on 2 ranks, restart on 3,
# the same table as an uninterrupted run; the method of lines' checkpoint does not continue it.
sl=(--scheme.method semi_lagrangian --scheme.cfl 2)
"$HJBENCH" solve "${args[@]}" "${sl[@]}" --output.file sl_full.h5 > /dev/null || fail "uninterrupted semi-Lagrangian run"
mpirun -n 2 "$HJBENCH" solve "${args[@]}" "${sl[@]}" --checkpoint.every_steps 5 --output.file sl.h5 > sl.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -e sl.h5.ckpt ]] && break; sleep 0.02; done
kill -USR1 "$pid"
wait "$pid"; code=$?
[[ $code -eq 5 && -e sl.h5.ckpt ]] && ok "semi-Lagrangian: SIGUSR1 on 2 ranks, exit 5 with a checkpoint" \
  || { fail "semi-Lagrangian SIGUSR1: exit $code"; cat sl.log; }
"$HJBENCH" solve "${args[@]}" --output.file sl.h5 --restart sl.h5.ckpt > other_scheme.log 2>&1; code=$?
[[ $code -eq 3 ]] && grep -q "another run" other_scheme.log && ok "its checkpoint does not continue a method-of-lines run (exit 3)" \
  || { fail "scheme mismatch: exit $code"; cat other_scheme.log; }
mpirun -n 3 "$HJBENCH" solve "${args[@]}" "${sl[@]}" --output.file sl.h5 --restart sl.h5.ckpt > sl_restart.log 2>&1 \
  && compare sl_full.h5 sl.h5 0 && ok "semi-Lagrangian restart on 3 ranks equals the uninterrupted table bit for bit" \
  || { fail "semi-Lagrangian restart"; cat sl_restart.log; }

# Policy iteration (Pendulum MDP): SIGUSR1 on 2 ranks after the first checkpointed iteration,
# restart on 3 ranks, compare with an uninterrupted single-rank run: bit-identical with
# --stationary.polish; by default (inexact policy iteration, residual 1e-8, discount 0.99) within
# the tolerance's bound 2 * 1e-8 / (1 - 0.99) = 2e-6.
pi=(--problem.name pendulum --grid.shape 201,201 --solve.algorithm policy_iteration --output.quiet --stationary.polish)
"$HJBENCH" solve "${pi[@]}" --output.file pi_full.h5 > /dev/null || fail "uninterrupted policy iteration"
mpirun -n 2 "$HJBENCH" solve "${pi[@]}" --checkpoint.every_steps 1 --output.file pi.h5 > pi.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -e pi.h5.ckpt ]] && break; sleep 0.02; done
kill -USR1 "$pid"; wait "$pid"; code=$?
[[ $code -eq 5 && -e pi.h5.ckpt && ! -e pi.h5 ]] && ok "policy iteration: SIGUSR1 on 2 ranks -> exit 5 with a checkpoint" \
  || { fail "policy iteration SIGUSR1: exit $code"; cat pi.log; }
mpirun -n 3 "$HJBENCH" solve "${pi[@]}" --output.file pi.h5 --restart pi.h5.ckpt > pi_restart.log 2>&1 \
  && grep -q "resuming" pi_restart.log && compare pi_full.h5 pi.h5 \
  && ok "policy iteration restarted on 3 ranks equals the uninterrupted table" || { fail "policy iteration restart"; cat pi_restart.log; }
pi=("${pi[@]:0:${#pi[@]}-1}")  # the default: inexact policy iteration
"$HJBENCH" solve "${pi[@]}" --output.file ipi_full.h5 > /dev/null || fail "uninterrupted inexact policy iteration"
mpirun -n 2 "$HJBENCH" solve "${pi[@]}" --checkpoint.every_steps 1 --output.file ipi.h5 > ipi.log 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -e ipi.h5.ckpt ]] && break; sleep 0.02; done
kill -USR1 "$pid"; wait "$pid"; code=$?
[[ $code -eq 5 && -e ipi.h5.ckpt && ! -e ipi.h5 ]] && ok "inexact policy iteration: SIGUSR1 on 2 ranks -> exit 5 with a checkpoint" \
  || { fail "inexact policy iteration SIGUSR1: exit $code"; cat ipi.log; }
mpirun -n 3 "$HJBENCH" solve "${pi[@]}" --output.file ipi.h5 --restart ipi.h5.ckpt > ipi_restart.log 2>&1 \
  && grep -q "resuming" ipi_restart.log && compare ipi_full.h5 ipi.h5 2e-6 \
  && ok "inexact policy iteration restarted on 3 ranks agrees within its tolerance" || { fail "inexact restart"; cat ipi_restart.log; }
grep -q "coarser grid" ipi_restart.log && fail "a restart ran the cascadic start again" || ok "a restart starts from its checkpoint, not from coarse grids"

# The cascadic start (default for policy iteration: 2 coarser grids) changes where the iteration
# starts, not where it stops: a zero start agrees within the same bound.
"$HJBENCH" solve "${pi[@]}" --output.file ipi_cascade.h5 > cascade.log 2>&1 && grep -q "on 2 coarser grids" cascade.log \
  && ok "policy iteration starts from 2 coarser grids by default" || { fail "default cascade"; cat cascade.log; }
"$PYTHON" -c "import h5py, sys; a = h5py.File('ipi_cascade.h5').attrs; sys.exit(0 if a['coarse_levels'] == 2 and a['coarse_iterations'] > 0 else 1)" \
  && ok "the table records its cascadic start (coarse_levels 2, coarse_iterations)" || fail "coarse_levels attributes"
"$HJBENCH" solve "${pi[@]}" --stationary.coarse_levels 0 --output.file ipi_zero.h5 > zero.log 2>&1 \
  && ! grep -q "coarser grid" zero.log && compare ipi_cascade.h5 ipi_zero.h5 2e-6 \
  && ok "--stationary.coarse_levels 0 (a zero start) agrees with the cascade within the tolerance" || { fail "zero start"; cat zero.log; }

finish
