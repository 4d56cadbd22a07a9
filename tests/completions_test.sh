#!/usr/bin/env bash
# The shell completions of sdsctl: bash completes subcommands, options, option
# values and URIs; the zsh function parses (where zsh is installed).
# Usage: completions_test.sh DIR (tools/sdsctl/completions)
set -euo pipefail
dir=$1
failures=0

# shellcheck source=/dev/null
source "$dir/sdsctl.bash"
replies() {  # the completions of a command line typed so far, one a line, sorted
  COMP_LINE="$1"
  COMP_POINT=${#1}
  read -r -a COMP_WORDS <<<"$1"
  COMP_CWORD=${#COMP_WORDS[@]}
  COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
  COMPREPLY=()
  _sdsctl
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
expect() {  # expect LINE WANTED...: every WANTED is among the completions of LINE
  local line=$1
  shift
  local got
  got=$(replies "$line")
  for wanted in "$@"; do
    if ! grep -qxF -- "$wanted" <<<"$got"; then
      echo "FAIL: '$line' does not complete to '$wanted' (got: $(tr '\n' ' ' <<<"$got"))"
      failures=$((failures + 1))
    fi
  done
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
touch notes.db notes.sdsa
expect "sdsctl sal" salvage
expect "sdsctl co" copy compact
expect "sdsctl copy sq" sqlite:
expect "sdsctl copy sqlite:no" notes.db      # bash replaces what follows the colon
expect "sdsctl copy a b --me" --merge
expect "sdsctl dump x y --he" --hex
expect "sdsctl verify x --progress " auto always never
expect "sdsctl import no" notes.sdsa notes.db
expect "sdsctl drop x y --y" --yes

if command -v zsh >/dev/null; then
  zsh -n "$dir/_sdsctl" || { echo "FAIL: _sdsctl does not parse"; failures=$((failures + 1)); }
else
  echo "zsh is not installed: _sdsctl is not parsed here"
fi

if ((failures > 0)); then exit 1; fi
echo "completions: ok"
