#!/usr/bin/env bash
# Every man page in packaging/man renders with man-db (`man -l`) without a warning from groff, and
# has the sections a reader looks for.
#   check-man-pages.sh MAN_DIR
set -euo pipefail
failures=0
count=0
for page in "$1"/*.[1-8]; do
  count=$((count + 1))
  if ! output=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>"${TMPDIR:-/tmp}/man-warnings.$$"); then
    echo "FAIL: man -l $page exited with an error"
    failures=$((failures + 1))
  fi
  if [[ -s ${TMPDIR:-/tmp}/man-warnings.$$ ]]; then
    echo "FAIL: $page: groff warnings:"
    cat "${TMPDIR:-/tmp}/man-warnings.$$"
    failures=$((failures + 1))
  fi
  for section in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
    if ! grep -q "^$section\$" <<<"$output"; then
      echo "FAIL: $page has no $section section"
      failures=$((failures + 1))
    fi
  done
done
rm -f "${TMPDIR:-/tmp}/man-warnings.$$"
if ((count == 0 || failures > 0)); then
  echo "$failures problem(s) in $count man pages"
  exit 1
fi
echo "ok: $count man pages render"
