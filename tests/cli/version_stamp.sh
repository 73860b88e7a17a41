#!/usr/bin/env bash
# The version a table records follows the commit the binary was built from (cmake/write_version.cmake,
# run at every build): in a throwaway git repository, a second commit changes the generated source,
# an unchanged tree leaves it untouched (nothing recompiles), an edit marks it -dirty, and outside a
# checkout it says "unknown".
# Usage: version_stamp.sh SOURCE_DIR
set -u
src=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/hjb_version.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_CEILING_DIRECTORIES="$work"  # "outside a checkout" even when TMPDIR lies inside one
cd "$work" || exit 1
stamp() { cmake -DSOURCE_DIR="$1" -DIN="$src/core/version.cpp.in" -DOUT="$work/version.cpp" -DPROJECT_VERSION=9.8.7 \
  -P "$src/cmake/write_version.cmake"; }
recorded() { sed -nE 's/.*git_version = "([^"]*)".*/\1/p' "$work/version.cpp"; }
mkdir repo && git -C repo init -q && git -C repo config user.email t@t && git -C repo config user.name t
echo a > repo/f && git -C repo add f && git -C repo commit -qm one
stamp "$work/repo"
first=$(git -C repo rev-parse --short HEAD)
[[ $(recorded) == "$first" ]] && grep -q '"9.8.7"' version.cpp && ok "the first commit is recorded ($first)" \
  || { fail "first commit: recorded '$(recorded)', expected $first"; cat version.cpp; }
touch -d '2001-01-01' version.cpp
stamp "$work/repo"
[[ $(stat -c %Y version.cpp) -eq $(date -d '2001-01-01' +%s) ]] && ok "an unchanged tree leaves the source untouched" \
  || fail "an unchanged tree rewrote the generated source (every build would recompile it)"
echo b > repo/f && git -C repo commit -qam two
stamp "$work/repo"
second=$(git -C repo rev-parse --short HEAD)
[[ $(recorded) == "$second" && $second != "$first" ]] && ok "a later commit is recorded ($second; was stale before)" \
  || fail "after a second commit: recorded '$(recorded)', expected $second"
echo c > repo/f
stamp "$work/repo"
[[ $(recorded) == "$second-dirty" ]] && ok "uncommitted changes are recorded as -dirty" || fail "dirty tree: '$(recorded)'"
mkdir plain
stamp "$work/plain"
[[ $(recorded) == "unknown" ]] && ok "outside a git checkout: unknown" || fail "no checkout: '$(recorded)'"
finish
