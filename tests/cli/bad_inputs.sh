#!/usr/bin/env bash
# Bad inputs to `hjbench solve`/`info`: each must exit with the expected code (2 usage, 3 validation),
# print a message naming the offending input, and leave no output file behind.
# Usage: bad_inputs.sh PATH/TO/hjbench
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
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
REFUSE_EMPTY_DIR=$out  # a refused run leaves nothing in the output directory

refuse 2 "nosuch"              -- solve_with --problem.name nosuch
refuse 2 "usage: hjbench version (no arguments; got 'extra')" -- "$HJBENCH" version extra
refuse 2 "usage: hjbench problems (no arguments; got 'air3d')" -- "$HJBENCH" problems air3d
refuse 2 "--grid.shape"        -- solve_with --grid.shape 11,11
refuse 2 "--time.horizon"      -- solve_with --time.horizon -2.8
refuse 2 "scheme.cfl"          -- solve_with --scheme.cfl abc
refuse 3 "/nonexistent/air3d.ini" -- "$HJBENCH" solve /nonexistent/air3d.ini
refuse 3 "/nonexistent_dir"    -- solve_with --output.file /nonexistent_dir/t.h5
refuse 3 "is a directory"      -- solve_with --output.file "$out"
refuse 2 "--scheme.cfl"        -- solve_with --scheme.cfl 0
refuse 2 "--scheme.accuracy"   -- solve_with --scheme.accuracy ultra
refuse 2 "--scheme.method"     -- solve_with --scheme.method lagrange
refuse 2 "semi_lagrangian takes larger steps" -- solve_with --scheme.cfl 4
refuse 2 "--scheme.interpolation" -- "$HJBENCH" solve --problem.name air3d --grid.shape 11,11,10 --time.horizon 0.1 \
  --scheme.method semi_lagrangian --scheme.interpolation quintic --output.file "$out/t.h5"
refuse 2 "--scheme.inputs_per_axis" -- "$HJBENCH" solve --problem.name air3d --grid.shape 11,11,10 --time.horizon 0.1 \
  --scheme.method semi_lagrangian --scheme.inputs_per_axis 1 --output.file "$out/t.h5"
refuse 2 "--sparse.method semi_lagrangian" -- "$HJBENCH" solve --problem.name air3d --grid.type sparse --grid.level 3 \
  --time.horizon 0.1 --scheme.method semi_lagrangian --output.file "$out/t.h5"
# A semi-Lagrangian halo wider than the blocks of a split axis is refused before any output.
refuse 3 "semi-Lagrangian" -- mpirun -n 4 "$HJBENCH" solve --problem.name air3d --grid.shape 9,9,8 --time.horizon 1 \
  --scheme.method semi_lagrangian --scheme.cfl 20 --output.file "$out/t.h5"
refuse 2 "no_such_key"         -- "$HJBENCH" solve "$work/unknown_key.ini" --output.file "$out/t.h5"
refuse 2 "--problem.speed"     -- solve_with --problem.speed 3
refuse 2 "axis 'x' needs at least 2 nodes" -- solve_with --grid.shape 1,11,10
refuse 2 "--solve.mode"        -- solve_with --solve.mode brx
refuse 3 "garbage.h5"          -- "$HJBENCH" info "$work/garbage.h5"
refuse 2 "unknown command"     -- "$HJBENCH" frobnicate
# Under mpirun every rank agrees on the code.
refuse 2 "--time.horizon"      -- solve_with mpirun -n 2 --time.horizon -1

# A good run does write the table (the checks above are not vacuous).
solve_with --time.horizon 0.1 > /dev/null 2>&1 && [[ -f "$out/t.h5" && -z "$(ls "$out"/t.h5.*tmp 2>/dev/null)" ]] \
  && ok "the valid run publishes $out/t.h5" || fail "the valid run did not publish $out/t.h5"

finish
