# bash completion for sdsctl (installed as share/bash-completion/completions/sdsctl).
# Completes subcommands, their options and option values, and URIs: a scheme
# (sqlite:, lmdb:, rocksdb:, memory:) then a path, or an archive file.

_sdsctl_subcommands="backends stores stat dump verify copy export import salvage compact drop prune release"

_sdsctl() {
  # The word under the cursor, colons included (bash splits words at ':').
  local line="${COMP_LINE:0:COMP_POINT}"
  local cur="${line##*[[:space:]]}"
  local -a words
  read -r -a words <<<"${line% *}"
  [[ "$line" == *[[:space:]] ]] && cur="" && read -r -a words <<<"$line"
  local count=${#words[@]}
  local prev="${words[count - 1]}"
  local sub=""
  local word
  for word in "${words[@]:1}"; do
    if [[ " $_sdsctl_subcommands " == *" $word "* ]]; then
      sub="$word"
      break
    fi
  done

  local -a replies=()
  if [[ -z "$sub" ]]; then
    replies=($(compgen -W "$_sdsctl_subcommands --help --version" -- "$cur"))
  else
    case "$prev" in
      --progress)
        replies=($(compgen -W "auto always never" -- "$cur"))
        ;;
      -o | --output)
        replies=($(compgen -f -- "$cur"))
        ;;
      --raw)
        replies=($(compgen -W "snapshot patch: blob:" -- "$cur"))
        ;;
      --from | --to | --limit | --before | --store)
        ;;
      *)
        local options="--json --quiet --progress --help"
        case "$sub" in
          copy) options+=" --store --no-blobs --dry-run --merge --force" ;;
          export) options+=" --store --no-blobs" ;;
          import | salvage) options+=" --merge --force" ;;
          dump) options+=" --from --to --limit --hex --no-blobs --raw -o --output" ;;
          drop | release) options+=" --yes" ;;
          prune) options+=" --before --yes" ;;
        esac
        if [[ "$cur" == -* ]]; then
          replies=($(compgen -W "$options" -- "$cur"))
        elif [[ "$cur" == *:* ]]; then
          local scheme="${cur%%:*}"
          local path
          while IFS= read -r path; do
            replies+=("$scheme:$path")
          done < <(compgen -f -- "${cur#*:}")
        else
          replies=($(compgen -W "sqlite: lmdb: rocksdb: memory:" -- "$cur"))
          [[ "$sub" == import || "$sub" == export ]] && replies+=($(compgen -f -- "$cur"))
        fi
        ;;
    esac
  fi
  # Bash replaces only the part after the last ':' of the word.
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local prefix="${cur%:*}:"
    local i
    for i in "${!replies[@]}"; do
      replies[i]="${replies[i]#"$prefix"}"
    done
  fi
  COMPREPLY=("${replies[@]}")
  # A scheme goes on with a path: no space after it.
  [[ ${#replies[@]} -eq 1 && "${replies[0]}" == *: ]] && compopt -o nospace 2>/dev/null
  return 0
}

complete -F _sdsctl sdsctl
