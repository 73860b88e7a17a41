# Shared helpers of the CLI test scripts (source it): count and report cases, and check that a
# command is refused with the right exit code and a message naming the input.
#   ok WHAT / fail WHAT                        record a passed / failed case
#   expect CODE PATTERN WHAT -- COMMAND...     run COMMAND, require exit CODE and PATTERN (grep) in its output
#   refuse CODE NEEDLE -- COMMAND...           run COMMAND, require exit CODE and NEEDLE (literal) in its
#                                              stderr; with REFUSE_EMPTY_DIR set, also no file left in it
#   trains_and_replays PROBLEM ALGO STEPS      $HJBENCH trains ALGO on PROBLEM (seed 1), and the saved
#                                              policy replays to the training run's evaluation
#   finish                                     print the tally; exit status 0 when nothing failed
failures=0 cases=0
ok() { cases=$((cases + 1)); echo "ok   $*"; }
fail() { cases=$((cases + 1)); failures=$((failures + 1)); echo "FAIL $*"; }
expect() {
  local code=$1 pattern=$2 what=$3; shift 4
  "$@" > expect.log 2>&1; local got=$?
  if [[ $got -eq $code ]] && grep -q -- "$pattern" expect.log; then ok "$what: exit $code"
  else fail "$what: exit $got (expected $code, '$pattern')"; cat expect.log; fi
}
refuse() {
  local code=$1 needle=$2; shift 3
  local stderr actual left=""
  stderr=$("$@" 2>&1 >/dev/null)
  actual=$?
  [[ -n "${REFUSE_EMPTY_DIR:-}" ]] && left=$(find "$REFUSE_EMPTY_DIR" -type f | head -1)
  if [[ $actual -ne $code ]]; then fail "[$needle]: exit $actual, expected $code: $stderr"
  elif [[ "$stderr" != *"$needle"* ]]; then fail "[$needle]: message does not name the input: $stderr"
  elif [[ -n "$left" ]]; then fail "[$needle]: left a file behind: $left"
  else ok "exit $actual  $stderr"; fi
}
trains_and_replays() {
  local problem=$1 algo=$2 steps=$3 line first again
  line=$("$HJBENCH" train --algo "$algo" --problem "$problem" --seed 1 --steps "$steps" --output "$algo.h5" | tail -1)
  again=$("$HJBENCH" rollout "$algo.h5" --episodes 100 | sed -nE 's/.*mean return (-?[0-9.]+) \+-.*/\1/p')
  first=$(sed -nE 's/.*mean return (-?[0-9.]+) \+-.*/\1/p' <<< "$line")
  if [[ -n "$first" && "$again" == "$first" ]]; then ok "$algo on $problem ($steps steps): trained, saved, replayed ($first)"
  else fail "$algo on $problem: '$line' vs replay '$again'"; fi
}
finish() {
  echo "$((cases - failures)) passed, $failures failed"
  [[ $failures -eq 0 ]]
}
