#!/usr/bin/env bash
# completion.sh - the shell completions in completions/ against what the CLI
# accepts (lib/cli_surface.py reads the commands and options from cli/).
#   bash: completions/kzsearch.bash is sourced here and its function called
#   the way bash calls it (COMP_WORDS, COMP_CWORD), then COMPREPLY is checked:
#   the commands, every option of every command, directories only after -i,
#   files for index's PATH and for --from, the values of --color (also in the
#   --color=WHEN form, which bash splits at '=').
#   zsh: completions/_kzsearch parses (`zsh -n`) and names every option in
#   its command's branch; skipped with a message when zsh is missing.
#
# Run by ctest with KZ_SOURCE_DIR = the repo root (and KZ, as every CLI test).
# Exit 77 (skip) when python3 is missing.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup completion python3
src=${KZ_SOURCE_DIR:-.}
python3 "$(dirname "$0")/lib/cli_surface.py" "$src" >"$tmp/surface" || exit 2
commands=$(cut -d' ' -f1 "$tmp/surface" | sort -u)
options_of() { awk -v c="$1" '$1 == c { print $2 }' "$tmp/surface" | sort -u; }

# ---------------------------------------------------------------- bash
# shellcheck source=/dev/null
. "$src/completions/kzsearch.bash"
same "bash: the completion is registered for kzsearch" "$(complete -p kzsearch 2>&1)" \
  "complete -F _kzsearch kzsearch"
# complete WORD...: COMPREPLY, sorted, for the command line WORD... with the
# cursor on the last word.
complete_words() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _kzsearch kzsearch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s\n' "${COMPREPLY[@]}" | grep . | sort -u
}

same "bash: the first word offers every command and help" \
  "$(complete_words kzsearch '' | tr '\n' ' ')" "$(printf '%s\n' $commands help | sort -u | tr '\n' ' ')"
same "bash: 'c' offers check and compact" "$(complete_words kzsearch c | tr '\n' ' ')" "check compact "
for cmd in $commands; do
  got=$(complete_words kzsearch "$cmd" -)
  missing=$(comm -23 <(options_of "$cmd") <(echo "$got"))
  same "bash: '$cmd -' offers every option $cmd accepts" "${missing:-none missing}" "none missing"
  extra=$(comm -13 <(options_of "$cmd") <(echo "$got"))
  same "bash: '$cmd -' offers no option $cmd refuses" "${extra:-none}" "none"
done
missing=$(comm -23 <(options_of search) <(complete_words kzsearch -))
same "bash: a first word '-' offers search's options (the bare form)" "${missing:-none missing}" "none missing"
missing=$(comm -23 <(options_of search) <(complete_words kzsearch oil -))
same "bash: after a query word, search's options" "${missing:-none missing}" "none missing"
same "bash: help COMMAND offers the commands" "$(complete_words kzsearch help in)" "index"

mkdir -p "$tmp/cwd/dir-a/sub" "$tmp/cwd/dir-b"
touch "$tmp/cwd/docs.jsonl" "$tmp/cwd/ids.txt"
cd "$tmp/cwd" || exit 1
same "bash: -i offers directories only" "$(complete_words kzsearch index -i '' | tr '\n' ' ')" "dir-a dir-b "
same "bash: --index=DIR offers directories only" \
  "$(complete_words kzsearch stats --index = d | tr '\n' ' ')" "dir-a dir-b "
same "bash: index PATH offers files and directories" \
  "$(complete_words kzsearch index '' | tr '\n' ' ')" "dir-a dir-b docs.jsonl ids.txt "
same "bash: delete --from offers files" "$(complete_words kzsearch delete --from i)" "ids.txt"
same "bash: delete ID offers no file names" "$(complete_words kzsearch delete i)" ""
same "bash: --color offers auto, always, never" \
  "$(complete_words kzsearch --color '' | tr '\n' ' ')" "always auto never "
same "bash: search --color=a offers auto, always" \
  "$(complete_words kzsearch search --color = a | tr '\n' ' ')" "always auto "
same "bash: -k takes a number, nothing is offered" "$(complete_words kzsearch -k '')" ""
cd "$src" || exit 1

# ---------------------------------------------------------------- zsh
zsh_file="$src/completions/_kzsearch"
# zsh_branch CMD: the lines of `case $cmd in ... CMD) ... ;;` plus the common options.
zsh_branch() {
  awk -v c="$1" '
    /^  common=\(/ { on = 1 }
    on && /^  \)/ { on = 0 }
    $0 ~ "^  " c "\\)$" { br = 1 }
    br && /;;/ { br = 0 }
    on || br' "$zsh_file"
}
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$zsh_file" 2>"$ERR"
  rc=$?
  check "zsh: _kzsearch parses (zsh -n)" test "$rc" -eq 0 -a ! -s "$ERR"
else
  echo "skip: zsh not found; _kzsearch's syntax was not checked"
fi
same "zsh: the file starts with #compdef kzsearch" "$(head -1 "$zsh_file")" "#compdef kzsearch"
for cmd in $commands; do
  zsh_branch "$cmd" >"$tmp/branch"
  missing=''
  for opt in $(options_of "$cmd"); do
    grep -qE -- "(^|[^[:alnum:]_-])$opt([^[:alnum:]_-]|\$)" "$tmp/branch" || missing="$missing $opt"
  done
  same "zsh: the $cmd branch names every option $cmd accepts" "${missing:-none missing}" "none missing"
  same "zsh: $cmd is among the commands offered" "$(grep -c "^    '$cmd:" "$zsh_file")" 1
done

cli_test_summary
