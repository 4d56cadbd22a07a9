#!/usr/bin/env bash
# The README's sdsctl session runs as written: in an empty directory, after
# the main job (examples/sync_session) wrote sync-session.db, every "$ ..."
# line of the session is run in order. A command whose output in the README
# starts with "sdsctl:" must fail, every other must succeed, and `echo $?`
# must print what the README shows.
# Usage: readme_session_test.sh README.md SYNC_SESSION SDSCTL
set -uo pipefail
readme=$(realpath "$1")
sync_session=$(realpath "$2")
sdsctl_binary=$(realpath "$3")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$sync_session" >/dev/null || { echo "FAIL: the main job failed"; exit 1; }
sdsctl() { "$sdsctl_binary" "$@"; }

# The first fenced block after "## sdsctl" that holds a "$ sdsctl" line.
session=$(awk '
  /^## sdsctl/ { in_section = 1; next }
  in_section && /^## / { exit }
  in_section && /^```/ { if (in_block) { if (found) exit; in_block = 0; buffer = "" } else in_block = 1; next }
  in_block { buffer = buffer $0 "\n"; if ($0 ~ /^\$ sdsctl/) found = 1; if (found) printf "%s\n", $0 }
' "$readme")
if [[ -z "$session" ]]; then
  echo "FAIL: no sdsctl session in $readme"
  exit 1
fi

failures=0
commands=0
status=0
mapfile -t lines <<<"$session"
for ((i = 0; i < ${#lines[@]}; ++i)); do
  line=${lines[i]}
  [[ "$line" == '$ '* ]] || continue
  command=${line#'$ '}
  shown=${lines[i + 1]:-}
  commands=$((commands + 1))
  if [[ "$command" == 'echo $?' ]]; then
    if [[ "$status" != "$shown" ]]; then
      echo "FAIL: the exit code before '$command' was $status, the README shows $shown"
      failures=$((failures + 1))
    fi
    continue
  fi
  output=$(eval "$command" 2>&1)
  status=$?
  if [[ "$shown" == sdsctl:* ]]; then
    if ((status == 0)); then
      echo "FAIL: '$command' succeeded; the README shows an error"
      failures=$((failures + 1))
    fi
  elif ((status != 0)); then
    echo "FAIL: '$command' exited $status: $output"
    failures=$((failures + 1))
  fi
done
if ((commands < 5)); then
  echo "FAIL: only $commands commands found in the session"
  exit 1
fi
if ((failures > 0)); then exit 1; fi
echo "the README session ran: $commands commands"
