# kzsearch.bash - bash completion for kzsearch(1): subcommands, each
# subcommand's options, directories after -i/--index, files for PATH and
# --from, the values of --color. Installed as
# ${datadir}/bash-completion/completions/kzsearch, where bash-completion
# loads it on first use; or source it from ~/.bashrc.
#
# Keep the option lists in step with the help texts in cli/commands.c:
# tests/integration/completion.sh checks that every option the CLI accepts
# is offered here. Needs nothing from the bash-completion package.

_kzsearch() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd=search i
  local commands='index search show stats check delete serve upgrade eval compact acronyms aliases duplicates help'
  local opts
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()

  # "--opt=value" is split by COMP_WORDBREAKS into "--opt" "=" "value".
  if [[ $cur == = ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    cur=''
  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  # The subcommand is the first word; anything else is the bare search form.
  if ((COMP_CWORD > 1)); then
    for i in $commands; do
      [[ ${COMP_WORDS[1]} == "$i" ]] && cmd=$i
    done
  fi

  case $prev in
  -i | --index)
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    return 0
    ;;
  --from | --api-key-file | --queries | --qrels | --run)
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
    ;;
  --color)
    mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur")
    return 0
    ;;
  --sort)
    mapfile -t COMPREPLY < <(compgen -W 'score date date:asc' -- "$cur")
    return 0
    ;;
  --facet)
    mapfile -t COMPREPLY < <(compgen -W 'date:day date:month date:year' -- "$cur")
    return 0
    ;;
  --recency-decay)
    mapfile -t COMPREPLY < <(compgen -W 'exp gauss' -- "$cur")
    return 0
    ;;
  --lang | --language | --memory | --threads | --max-doc-size | -k | --k | --limit | --offset | --listen | \
    --since | --until | --cors-origin | --max-connections | --request-timeout | --compare | \
    --title-weight | --rm3-docs | --rm3-terms | --rm3-weight | --recency | --now)
    return 0 # a value nothing can guess
    ;;
  esac

  case $cmd in
  index) opts='-i --index --rebuild --lang --language --memory --threads --max-doc-size -h --help' ;;
  search) opts='-i --index -k --limit --offset --and --since --until --sort --facet --exact --no-expand --no-collapse --max-expansions --no-suggest --title-weight --rm3 --rm3-docs --rm3-terms --rm3-weight --proximity --recency --recency-decay --now --json -c --count --explain --color -h --help' ;;
  show) opts='-i --index --json -h --help' ;;
  stats) opts='-i --index --json -h --help' ;;
  check) opts='-i --index --full --json -h --help' ;;
  delete) opts='-i --index --from -h --help' ;;
  serve) opts='-i --index --listen --threads --api-key-file --cors-origin --max-connections --request-timeout -q --quiet -h --help' ;;
  upgrade) opts='-i --index -h --help' ;;
  eval) opts='-i --index --queries --qrels -k --k --json --per-query --compare --run -h --help' ;;
  compact) opts='-i --index -h --help' ;;
  acronyms) opts='--json -h --help' ;;
  aliases) opts='-i --index --json -h --help' ;;
  duplicates) opts='-i --index --json --jaccard -h --help' ;;
  help) opts='' ;;
  esac

  if ((COMP_CWORD == 1)); then
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$opts --version" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
    fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    return 0
  fi
  case $cmd in
  index | acronyms) # PATH: JSON Lines files, directories, or - for stdin
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    ;;
  help)
    ((COMP_CWORD == 2)) && mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
    ;;
  esac
  return 0
}
complete -F _kzsearch kzsearch
