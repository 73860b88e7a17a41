#!/usr/bin/env bash
# The method of lines keeps the dynamics of autonomous problems (--time.cache_dynamics, on by
# default): the tables must equal, bit for bit, those of the solver that evaluates the dynamics in
# every stage — for box and disc input sets (Air3D, Car4D, Dubins with a 2-D disturbance box, the
# eikonal ball), local and global dissipation, ENO2 and WENO5, on 1 and 3 ranks.
# Usage: dynamics_cache.sh HJBENCH PYTHON
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1 PYTHON=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
same() {  # A.h5 B.h5: every snapshot identical
  "$PYTHON" - "$1" "$2" <<'PY'
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
keys = sorted(k for k in a["value"] if k.startswith("snapshot_"))
assert keys and keys == sorted(k for k in b["value"] if k.startswith("snapshot_"))
bad = [k for k in keys if not np.array_equal(a["value"][k][...], b["value"][k][...])]
print("identical" if not bad else "differ in " + ",".join(bad))
raise SystemExit(int(bool(bad)))
PY
}
run() {  # NAME RANKS ARGS...
  local name=$1 ranks=$2; shift 2
  for c in true false; do
    mpirun -n "$ranks" "$HJBENCH" solve "$@" --time.cache_dynamics $c --output.quiet \
      --output.file "$work/$name.$c.h5" > "$work/$name.$c.log" 2>&1 || { fail "$name ($c): $(tail -2 "$work/$name.$c.log")"; return; }
  done
  if msg=$(same "$work/$name.true.h5" "$work/$name.false.h5"); then ok "$name on $ranks rank(s): cached dynamics $msg"
  else fail "$name on $ranks rank(s): $msg"; fi
}
run air3d_weno5 1 --problem.name air3d --grid.shape 31,31,30 --time.horizon 0.8 --time.snapshots 2
run air3d_weno5 3 --problem.name air3d --grid.shape 31,31,30 --time.horizon 0.8 --time.snapshots 2
run air3d_global 2 --problem.name air3d --grid.shape 25,25,24 --time.horizon 0.5 --scheme.dissipation global
run car4d 1 --problem.name car4d --grid.shape 13,13,13,12 --time.horizon 0.4
run car4d 3 --problem.name car4d --grid.shape 13,13,13,12 --time.horizon 0.4 --scheme.accuracy medium
run dubins 2 --problem.name dubins_car --grid.shape 25,25,24 --time.horizon 0.5 --solve.mode brt
run eikonal 1 --problem.name eikonal --grid.shape 41,41 --time.horizon 0.3
# the plan counts the cache, and names the option when it alone breaks the budget
plan_on=$("$HJBENCH" solve --problem.name air3d --grid.shape 101,101,100 --dry-run --output.file "$work/p.h5" |
  sed -nE 's/.*total per rank: ([0-9.]+) MiB.*/\1/p')
plan_off=$("$HJBENCH" solve --problem.name air3d --grid.shape 101,101,100 --dry-run --time.cache_dynamics false \
  --output.file "$work/p.h5" | sed -nE 's/.*total per rank: ([0-9.]+) MiB.*/\1/p')
# Air3D: f0, G, K and alpha are 12 doubles per node, of which 6 are the same at every node (f0 and G
# along psi, K, alpha_psi) and kept once: 48 bytes per node, 1,020,100 nodes = 46.7 MiB (the
# process baseline in each total varies by a few MiB)
if [[ -n "$plan_on" && -n "$plan_off" ]] && awk "BEGIN{d=$plan_on-$plan_off; exit !(d > 44 && d < 50)}"; then
  ok "dry run: the cache adds $(awk "BEGIN{print $plan_on-$plan_off}") MiB (6 varying doubles per node)"
else fail "dry run: with cache '$plan_on' MiB, without '$plan_off' MiB"; fi
budget=$(awk "BEGIN{printf \"%dM\", ($plan_on+$plan_off)/2}")
refuse 3 "--time.cache_dynamics false" -- "$HJBENCH" solve --problem.name air3d --grid.shape 101,101,100 \
  --time.horizon 0.001 --memory-per-rank "$budget" --output.file "$work/b.h5"
# A budget the run misses even without the cache: refused without the hint.
small=$(awk "BEGIN{printf \"%dM\", $plan_off/2}")
msg=$("$HJBENCH" solve --problem.name air3d --grid.shape 101,101,100 --time.horizon 0.001 --memory-per-rank "$small" \
  --output.file "$work/b.h5" 2>&1 >/dev/null); code=$?
[[ $code -eq 3 && "$msg" == *"--memory-per-rank"* && "$msg" != *cache_dynamics* ]] \
  && ok "a budget below the uncached plan: refused without suggesting --time.cache_dynamics false" \
  || fail "budget below the uncached plan: exit $code: $msg"
finish
