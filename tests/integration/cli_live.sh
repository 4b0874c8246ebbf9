#!/usr/bin/env bash
# cli_live.sh - replacing and deleting from the command line: indexing an id
# again replaces the document (also twice within one run), `kzsearch delete`
# removes ids and only reports ids it does not know (exit 0), `--from FILE`
# reads ids, `compact` merges everything and results stay right, and
# `check --full` is clean after each step.
# Run by ctest with KZ = the kzsearch binary; exit 77 (skip) without it.
set -u
if [ -z "${KZ:-}" ] || [ ! -x "$KZ" ]; then
  echo "skip: KZ does not name the kzsearch binary" >&2
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_cli_live.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/xdg"
unset KZSEARCH_INDEX
IDX="$tmp/idx"
passed=0
failed=0
expect() { # expect NAME ACTUAL WANTED
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok   - $1"
  else failed=$((failed + 1)); echo "FAIL - $1: got '$2', expected '$3'"; fi
}
count() { "$KZ" search -i "$IDX" --count -- "$1" 2>/dev/null; }
docs() { "$KZ" stats -i "$IDX" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])'; }
clean() { "$KZ" check --full -i "$IDX" >/dev/null 2>&1; echo $?; }

cat >"$tmp/a.jsonl" <<'J'
{"id": "a", "title": "Alpha", "body": "apples and oranges"}
{"id": "b", "title": "Beta", "body": "bananas and oranges"}
{"id": "c", "title": "Gamma", "body": "cherries"}
J
"$KZ" index -i "$IDX" --threads 2 "$tmp/a.jsonl" 2>/dev/null
expect "three documents" "$(docs)" 3
expect "oranges in two" "$(count oranges)" 2

# b twice in one run: the last version wins; c replaced by a text without cherries.
cat >"$tmp/b.jsonl" <<'J'
{"id": "b", "title": "Beta", "body": "blueberries"}
{"id": "b", "title": "Beta", "body": "blackberries"}
{"id": "c", "title": "Gamma", "body": "coconuts"}
J
"$KZ" index -i "$IDX" "$tmp/b.jsonl" 2>/dev/null
expect "replacements keep three documents" "$(docs)" 3
expect "old text of b is gone" "$(count blueberries)" 0
expect "the last version of b" "$(count blackberries)" 1
expect "old text of c is gone" "$(count cherries)" 0
expect "oranges only in a now" "$(count oranges)" 1
expect "check after replacing" "$(clean)" 0

"$KZ" delete -i "$IDX" a nosuch >"$tmp/out" 2>"$tmp/err"
expect "deleting an unknown id is not an error" "$?" 0
expect "the unknown id is reported" "$(grep -c "no document with id 'nosuch'" "$tmp/err")" 1
expect "a is gone" "$(count apples)" 0
expect "two documents left" "$(docs)" 2
printf 'c\n\n' >"$tmp/ids"
"$KZ" delete -i "$IDX" --from "$tmp/ids" 2>/dev/null
expect "--from deletes c" "$(count coconuts)" 0
expect "check after deleting" "$(clean)" 0

"$KZ" compact -i "$IDX" 2>/dev/null
expect "compact exits 0" "$?" 0
expect "one document after compact" "$(docs)" 1
expect "one segment after compact" "$("$KZ" stats -i "$IDX" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["segments"])')" 1
expect "b still found" "$(count blackberries)" 1
expect "check after compact" "$(clean)" 0

"$KZ" delete -i "$tmp/none" x >/dev/null 2>&1
expect "delete on a missing index is an error" "$?" 2

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
