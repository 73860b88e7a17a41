#!/usr/bin/env bash
# Bad inputs to `hjbench solve`/`info`: each must exit with the expected code (2 usage, 3 validation),
# print a message naming the offending input, and leave no output file behind.
# Usage: bad_inputs.sh PATH/TO/hjbench
set -u
HJBENCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
# A valid command; `with KEY VALUE` prints it with one option replaced.
declare -A valid=([--problem.name]=air3d [--grid.shape]=11,11,10 [--time.horizon]=0.1 [--output.file]="$out/t.h5")
solve_with() {  # solve_with [LAUNCHER...] KEY VALUE: run the valid command with KEY replaced
  local launcher=("${@:1:$#-2}") replace=${*: -2:1} value=${*: -1} args=(--output.quiet) key
  for key in "${!valid[@]}"; do [[ $key == "$replace" ]] || args+=("$key" "${valid[$key]}"); done
  args+=("$replace" "$value")
  "${launcher[@]}" "$HJBENCH" solve "${args[@]}"
}
printf '[problem]\nname = air3d\nno_such_key = 1\n[grid]\nshape = 11,11,10\n' > "$work/unknown_key.ini"
printf 'not an HDF5 file\n' > "$work/garbage.h5"
failures=0 cases=0

expect() {  # expect CODE NEEDLE -- ARGS...
  local code=$1 needle=$2; shift 3
  cases=$((cases + 1))
  local stderr actual
  stderr=$("$@" 2>&1 >/dev/null)
  actual=$?
  local left
  left=$(find "$out" -type f | head -1)
  if [[ $actual -ne $code ]]; then
    echo "FAIL [$needle]: exit $actual, expected $code: $stderr"; failures=$((failures + 1))
  elif [[ "$stderr" != *"$needle"* ]]; then
    echo "FAIL [$needle]: message does not name the input: $stderr"; failures=$((failures + 1))
  elif [[ -n "$left" ]]; then
    echo "FAIL [$needle]: left a file behind: $left"; failures=$((failures + 1))
  else
    echo "ok   exit $actual  $stderr"
  fi
}

expect 2 "nosuch"              -- solve_with --problem.name nosuch
expect 2 "--grid.shape"        -- solve_with --grid.shape 11,11
expect 2 "--time.horizon"      -- solve_with --time.horizon -2.8
expect 2 "scheme.cfl"          -- solve_with --scheme.cfl abc
expect 3 "/nonexistent/air3d.ini" -- "$HJBENCH" solve /nonexistent/air3d.ini
expect 3 "/nonexistent_dir"    -- solve_with --output.file /nonexistent_dir/t.h5
expect 3 "is a directory"      -- solve_with --output.file "$out"
expect 2 "--scheme.cfl"        -- solve_with --scheme.cfl 0
expect 2 "--scheme.accuracy"   -- solve_with --scheme.accuracy ultra
expect 2 "no_such_key"         -- "$HJBENCH" solve "$work/unknown_key.ini" --output.file "$out/t.h5"
expect 2 "--problem.speed"     -- solve_with --problem.speed 3
expect 2 "axis 'x' needs at least 2 nodes" -- solve_with --grid.shape 1,11,10
expect 2 "--solve.mode"        -- solve_with --solve.mode brx
expect 3 "garbage.h5"          -- "$HJBENCH" info "$work/garbage.h5"
expect 2 "unknown command"     -- "$HJBENCH" frobnicate
# Under mpirun every rank agrees on the code.
expect 2 "--time.horizon"      -- solve_with mpirun -n 2 --time.horizon -1

# A good run does write the table (the checks above are not vacuous).
solve_with --time.horizon 0.1 > /dev/null 2>&1 && [[ -f "$out/t.h5" && -z "$(ls "$out"/t.h5.*tmp 2>/dev/null)" ]] \
  || { echo "FAIL: the valid run did not publish $out/t.h5"; failures=$((failures + 1)); }
cases=$((cases + 1))

echo "$((cases - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
