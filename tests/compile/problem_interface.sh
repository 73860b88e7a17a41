#!/usr/bin/env bash
# A misspelt or undeclared optional member of a problem is a compile error, not a silently missing
# feature: tests/compile/problem_interface.cpp must compile as written and fail both ways below,
# with the interface's message.
# Usage: problem_interface.sh CXX SOURCE_DIR
set -u
cxx=$1 src=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cli/lib.sh"
flags=(-std=c++20 -fsyntax-only -I"$src" -I/usr/include/eigen3)
"$cxx" "${flags[@]}" "$here/problem_interface.cpp" > ok.log 2>&1 && ok "a correct problem compiles" || { fail "a correct problem"; cat ok.log; }
"$cxx" "${flags[@]}" -DMISSPELT "$here/problem_interface.cpp" > misspelt.log 2>&1
[[ $? -ne 0 ]] && grep -q "running_cost(x, t): declared in .features. but missing" misspelt.log \
  && ok "a misspelt declared member (runing_cost) fails to compile, naming running_cost" || { fail "misspelt member"; head -20 misspelt.log; }
"$cxx" "${flags[@]}" -DUNDECLARED "$here/problem_interface.cpp" > undeclared.log 2>&1
[[ $? -ne 0 ]] && grep -q "present but not declared" undeclared.log \
  && ok "an undeclared optional member fails to compile" || { fail "undeclared member"; head -20 undeclared.log; }
rm -f ok.log misspelt.log undeclared.log
finish
