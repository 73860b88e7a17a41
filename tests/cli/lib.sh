# Shared helpers of the CLI test scripts (source it): count and report cases, and `expect` a
# refused command's exit code and message.
#   ok WHAT / fail WHAT            record a passed / failed case
#   expect CODE PATTERN WHAT -- COMMAND...   run COMMAND, require exit CODE and PATTERN in its output
#   finish                          print the tally; exit status 0 when nothing failed
failures=0 cases=0
ok() { cases=$((cases + 1)); echo "ok   $*"; }
fail() { cases=$((cases + 1)); failures=$((failures + 1)); echo "FAIL $*"; }
expect() {
  local code=$1 pattern=$2 what=$3; shift 4
  "$@" > expect.log 2>&1; local got=$?
  if [[ $got -eq $code ]] && grep -q -- "$pattern" expect.log; then ok "$what: exit $code"
  else fail "$what: exit $got (expected $code, '$pattern')"; cat expect.log; fi
}
finish() {
  echo "$((cases - failures)) passed, $failures failed"
  [[ $failures -eq 0 ]]
}
