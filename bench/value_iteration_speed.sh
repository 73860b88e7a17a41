#!/usr/bin/env bash
# Value iteration before/after in one run: `hjbench solve --solve.algorithm value_iteration` by a
# baseline binary (BASELINE, e.g. one built from an earlier commit) and by this checkout's
# build/hjbench, alternated N times (default 3) on each problem, one rank; prints each program's
# median process wall time and the ratio, after checking that both wrote the same table and policy
# (h5diff, bit for bit). Made for the action elimination of the Bellman sweep
# (solver/algorithms/bellman_sweep.hpp), which must not change a bit of the result.
#
#   bench/value_iteration_speed.sh BASELINE [N]      (after scripts/build.sh)
#
# A baseline from a commit:  git worktree add /tmp/base b1490f3 && cmake -S /tmp/base -B /tmp/base/build
#   -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/base/build -j2 --target hjbench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
baseline=${1:?usage: bench/value_iteration_speed.sh BASELINE_HJBENCH [N]}
repeats=${2:-3}
[[ -x $baseline ]] || { echo "not an executable: $baseline" >&2; exit 2; }
[[ $repeats =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive integer" >&2; exit 2; }
current=$root/build/hjbench
[[ -x $current ]] || { echo "build/ first (scripts/build.sh)" >&2; exit 3; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_vi.XXXXXX")
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
timed() {  # timed OUT.h5 BINARY ARGS...: prints the process wall time
  local out=$1 binary=$2 t0 t1
  shift 2
  t0=$(now)
  "$binary" solve "$@" --solve.algorithm value_iteration --output.file "$out" --overwrite --output.quiet > /dev/null
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
echo "CPU: $(lscpu | sed -nE 's/^Model name: +//p'); $(date -u +%F); $repeats alternated runs each; baseline $baseline"
echo "| problem | baseline (s) | this checkout (s) | ratio |"
echo "|---|---|---|---|"
problems=(
  "--problem.name pendulum --grid.shape 301,301"
  "--problem.name pendulum --grid.shape 501,501"
  "--problem.name mountain_car --grid.shape 151,151"
  "--problem.name acrobot --grid.shape 11,11,11,11"
  "--problem.name discounted_lqr --grid.shape 81,81 --stationary.scheme kushner_dupuis"
  "--problem.name merton --grid.shape 201 --stationary.scheme kushner_dupuis"
)
for p in "${problems[@]}"; do
  read -r -a args <<< "$p"
  : > "$work/b.times"
  : > "$work/c.times"
  for ((i = 1; i <= repeats; ++i)); do
    timed "$work/b.h5" "$baseline" "${args[@]}" >> "$work/b.times"
    timed "$work/c.h5" "$current" "${args[@]}" >> "$work/c.times"
  done
  if ! h5diff "$work/b.h5" "$work/c.h5" /value/final > /dev/null ||
    ! h5diff "$work/b.h5" "$work/c.h5" /policy/action_0 > /dev/null; then
    echo "$p: the tables differ" >&2
    exit 1
  fi
  b=$(median < "$work/b.times")
  c=$(median < "$work/c.times")
  printf "| %s | %.2f | %.2f | %.2f |\n" "$p" "$b" "$c" "$(echo "$b / $c" | bc -l)"
done
echo "(tables and policies bit-identical on every problem)"
