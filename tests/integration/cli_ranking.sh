#!/usr/bin/env bash
# cli_ranking.sh - the ranking options of `kzsearch search` (README,
# "Ranking options") from the command line: --title-weight puts a title
# match first, --proximity a close pair, --recency a newer article (with
# --now and --recency-decay), --rm3 brings in a document holding only a
# feedback term; bad values are errors (exit 2) naming what is accepted;
# `eval --compare` takes the options and refuses --now.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_ranking python3

cat >"$tmp/docs.jsonl" <<'J'
{"id": "body", "title": "distant bright object", "body": "quasar seen far away storm filler filler filler filler coast", "date": "2022-01-01"}
{"id": "title", "title": "quasar bright object", "body": "distant seen far away storm coast filler filler filler filler", "date": "2022-01-31"}
{"id": "apple1", "title": "", "body": "apple apple orchard cider"}
{"id": "apple2", "title": "", "body": "apple orchard pear"}
{"id": "cider", "title": "", "body": "cider only here"}
J
for i in $(seq 1 40); do echo "{\"id\": \"f$i\", \"title\": \"\", \"body\": \"filler$i words$i\"}"; done >>"$tmp/docs.jsonl"
kz index -i "$IDX" "$tmp/docs.jsonl"
expect "index the documents" 0

ids() { python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in open(sys.argv[1]) if "\"hit\"" in l))' "$OUT"; }

kz -i "$IDX" --json quasar
same "plain BM25 cannot tell title from body: document order" "$(ids)" "body title"
kz -i "$IDX" --json --title-weight 2 quasar
same "--title-weight 2 puts the title match first" "$(ids)" "title body"
kz -i "$IDX" --json storm coast
same "plain BM25 ignores distance" "$(ids)" "body title"
kz -i "$IDX" --json --proximity storm coast
same "--proximity puts the close pair first" "$(ids)" "title body"
kz -i "$IDX" --json --recency 7d quasar
same "--recency 7d puts the newer article first" "$(ids)" "title body"
kz -i "$IDX" --json --recency 7d --recency-decay gauss --now 2022-02-01 quasar
same "--recency-decay gauss and --now keep the order" "$(ids)" "title body"
kz -i "$IDX" --json apple
same "plain: only the apple documents" "$(ids)" "apple1 apple2"
kz -i "$IDX" --json --rm3 --rm3-docs 1 apple
case " $(ids) " in *" cider "*) pass "--rm3 adds the top document's terms (cider)" ;; *) fail "--rm3 adds the top document's terms: $(ids)" ;; esac

kz -i "$IDX" --title-weight -1 quasar
expect "a negative title weight is an error" 2 "a number from 0 to 1000" "$ERR"
kz -i "$IDX" --recency soon quasar
expect "a bad recency scale is an error" 2 "30d, 12h, 2w or 1y" "$ERR"
kz -i "$IDX" --recency-decay linear --recency 1d quasar
expect "an unknown decay is an error" 2 "exp or gauss" "$ERR"
kz -i "$IDX" --recency 1d --now yesterday quasar
expect "a bad --now is an error" 2 "now 'yesterday'" "$ERR"
kz -i "$IDX" --rm3 --rm3-weight 2 apple
expect "an RM3 weight above 1 is an error" 2 "from 0 to 1" "$ERR"

printf '{"id": "q1", "text": "apple"}\n' >"$tmp/q.jsonl"
printf 'q1 0 apple1 1\nq1 0 cider 1\n' >"$tmp/qrels"
kz eval -i "$IDX" --queries "$tmp/q.jsonl" --qrels "$tmp/qrels" --compare "--rm3 --rm3-docs 1"
expect "eval --compare runs RM3" 0 "^--rm3 --rm3-docs 1 "
kz eval -i "$IDX" --queries "$tmp/q.jsonl" --qrels "$tmp/qrels" --compare "--recency 1d --now 2022"
expect "eval --compare refuses --now" 2 "--now is not available here" "$ERR"
cli_test_summary
