#!/usr/bin/env bash
# The stationary Pendulum-v1 MDP (21 actions, discount 0.99, Bellman residual 1e-8) by value
# iteration, by Howard policy iteration with the bit-identical polish (--stationary.polish, the
# default before inexact policy iteration) and by the default inexact policy iteration, in one run,
# at 501^2 on 1 rank and 1001^2 on 1 and 2 ranks. Prints a Markdown table: the solve's wall time
# (the summary line) plus the transition build (PETSc -log_view event HjbTransitions), the whole
# process's elapsed time, iterations, and the largest peak memory per rank.
#
#   bench/stationary_pi.sh [--no-vi]      (--no-vi: skip value iteration, the slow baseline)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_pi.XXXXXX")
trap 'rm -rf "$work"' EXIT
methods=("value_iteration" "policy_iteration --stationary.polish" "policy_iteration")
[[ "${1:-}" == "--no-vi" ]] && methods=("${methods[@]:1}")
echo "| grid | ranks | method | iterations | transitions + solve (s) | process elapsed (s) | peak memory per rank |"
echo "|---|---|---|---|---|---|---|"
for config in "501 1" "1001 1" "1001 2"; do
  set -- $config
  for method in "${methods[@]}"; do
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    mpirun -n "$2" "$root/build/hjbench" solve --problem.name pendulum --grid.shape "$1,$1" \
      --solve.algorithm $method --output.file "$work/t.h5" --overwrite --output.quiet -- -log_view > "$work/log"
    t1=$(date +%s.%N)
    summary=$(grep -E "^(converged|not converged|iteration limit)" "$work/log" | head -1)
    wall=$(echo "$summary" | sed -E 's/.*, ([0-9.e+-]+) s wall.*/\1/')
    iters=$(echo "$summary" | sed -E 's/^[^,]*, ([0-9]+ iterations[^,]*)(, Bellman residual [^ ]+)? ?(\([^)]*\))?.*/\1 \3/')
    build=$(awk '/^HjbTransitions/ {print $4}' "$work/log")
    memory=$(awk '/peak resident memory per rank/ {print $(NF-1), $NF}' "$work/log")
    awk -v g="$1" -v r="$2" -v m="$method" -v i="$iters" -v b="$build" -v w="$wall" -v e="$(echo "$t1 - $t0" | bc -l)" \
      -v mem="$memory" 'BEGIN { printf "| %s² | %s | %s | %s | %.2f + %.2f = %.2f | %.2f | %s |\n", g, r, m, i, b, w, b + w, e, mem }'
  done
done
