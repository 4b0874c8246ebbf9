#!/usr/bin/env bash
# cli_live.sh - replacing and deleting from the command line: indexing an id
# again replaces the document (also twice within one run), `kzsearch delete`
# removes ids and only reports ids it does not know (exit 0), `--from FILE`
# reads ids, `compact` merges everything and results stay right, and
# `check --full` is clean after each step.
# Run by ctest with KZ = the kzsearch binary; exit 77 (skip) without it.
set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_live python3
count() { "$KZ" search -i "$IDX" --count -- "$1" 2>/dev/null; }
docs() { "$KZ" stats -i "$IDX" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])'; }
clean() { "$KZ" check --full -i "$IDX" >/dev/null 2>&1; echo $?; }

cat >"$tmp/a.jsonl" <<'J'
{"id": "a", "title": "Alpha", "body": "apples and oranges"}
{"id": "b", "title": "Beta", "body": "bananas and oranges"}
{"id": "c", "title": "Gamma", "body": "cherries"}
J
"$KZ" index -i "$IDX" --threads 2 "$tmp/a.jsonl" 2>/dev/null
same "three documents" "$(docs)" 3
same "oranges in two" "$(count oranges)" 2

# b twice in one run: the last version wins; c replaced by a text without cherries.
cat >"$tmp/b.jsonl" <<'J'
{"id": "b", "title": "Beta", "body": "blueberries"}
{"id": "b", "title": "Beta", "body": "blackberries"}
{"id": "c", "title": "Gamma", "body": "coconuts"}
J
"$KZ" index -i "$IDX" "$tmp/b.jsonl" 2>/dev/null
same "replacements keep three documents" "$(docs)" 3
same "old text of b is gone" "$(count blueberries)" 0
same "the last version of b" "$(count blackberries)" 1
same "old text of c is gone" "$(count cherries)" 0
same "oranges only in a now" "$(count oranges)" 1
same "check after replacing" "$(clean)" 0

"$KZ" delete -i "$IDX" a nosuch >"$tmp/out" 2>"$tmp/err"
same "deleting an unknown id is not an error" "$?" 0
same "the unknown id is reported" "$(grep -c "no document with id 'nosuch'" "$tmp/err")" 1
same "a is gone" "$(count apples)" 0
same "two documents left" "$(docs)" 2
printf 'c\n\n' >"$tmp/ids"
"$KZ" delete -i "$IDX" --from "$tmp/ids" 2>/dev/null
same "--from deletes c" "$(count coconuts)" 0
same "check after deleting" "$(clean)" 0

"$KZ" compact -i "$IDX" 2>/dev/null
same "compact exits 0" "$?" 0
same "one document after compact" "$(docs)" 1
same "one segment after compact" "$("$KZ" stats -i "$IDX" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["segments"])')" 1
same "b still found" "$(count blackberries)" 1
same "check after compact" "$(clean)" 0

"$KZ" delete -i "$tmp/none" x >/dev/null 2>&1
same "delete on a missing index is an error" "$?" 2

cli_test_summary
