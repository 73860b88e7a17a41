#!/usr/bin/env bash
# `solve --dry-run` plans memory per rank within 20 % of the measured peak resident memory of the
# same run (mid-size grid, 1 and 2 ranks, and the semi-Lagrangian option on 2); `--memory-per-rank` below the plan is refused (exit 3)
# before anything is written. Usage: memory_plan.sh HJBENCH
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
HJBENCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(--problem.name air3d --grid.shape 151,151,150 --time.horizon 0.003 --output.quiet --output.file "$work/t.h5")
sl=(--scheme.method semi_lagrangian)  # its cached foot points and wider halo, 2 ranks
for n in 1 2 sl; do
  extra=()
  [[ $n == sl ]] && { extra=("${sl[@]}"); n=2; }
  plan=$(mpirun -n $n "$HJBENCH" solve "${args[@]}" "${extra[@]}" --dry-run | sed -nE 's/.*total per rank: ([0-9.]+) MiB.*/\1/p')
  [[ ! -e "$work/t.h5" ]] && ok "$n rank(s): --dry-run writes nothing" || fail "--dry-run wrote a table"
  peak=$(mpirun -n $n "$HJBENCH" solve "${args[@]}" "${extra[@]}" | sed -nE 's/.*peak resident memory per rank \(largest\): ([0-9.]+) MiB.*/\1/p')
  rm -f "$work/t.h5" "$work/t.xmf"
  if [[ -n "$plan" && -n "$peak" ]] && awk "BEGIN{d=($plan-$peak)/$peak; exit !(d <= 0.2 && d >= -0.2)}"; then
    ok "$n rank(s)${extra:+ (semi-Lagrangian)}: planned $plan MiB, measured peak $peak MiB"
  else
    fail "$n rank(s): planned '$plan' MiB, measured peak '$peak' MiB"
  fi
done
msg=$("$HJBENCH" solve "${args[@]}" --memory-per-rank 50M 2>&1 >/dev/null); code=$?
if [[ $code -eq 3 && "$msg" == *"--memory-per-rank"* && ! -e "$work/t.h5" && -z "$(ls "$work"/t.h5.*tmp 2>/dev/null)" ]]; then
  ok "refused within a 50M budget: $msg"
else fail "budget: exit $code: $msg"; fi
finish
