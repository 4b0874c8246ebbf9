#!/usr/bin/env bash
# peer_adapter.sh - the bench adapter follows the peers harness's contract
# (../shared/peers/README.md): clauses that analyze to the same terms are
# merged, required wins, clauses without a term are dropped; and it takes
# extra search options from KZ_PEER_OPTS in the CLI's syntax, refusing
# unknown ones.
#
# Run by ctest with KZ = the kzsearch binary, next to which kzsearch-peer is
# built; exit 77 (skip) when the adapter was not built (KZ_BUILD_BENCH=OFF).

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup peer_adapter
PEER=$(dirname "$KZ")/kzsearch-peer
[ -x "$PEER" ] || { echo "skip: $PEER not built (KZ_BUILD_BENCH=OFF)" >&2; exit 77; }

cat >"$tmp/docs.jsonl" <<'J'
{"id": "a", "title": "", "body": "troops intervened in almaty"}
{"id": "b", "title": "", "body": "almaty weather report"}
{"id": "c", "title": "", "body": "the army intervenes again and again"}
J
"$PEER" index "$tmp/docs.jsonl" "$IDX" >"$OUT" 2>"$ERR"
rc=$?
check "the adapter indexes" test "$rc" -eq 0

# peer TSV [ARGS]: runs the queries (printf format) top 10; "qid id score" lines in $OUT.
peer() {
  printf "$1" >"$tmp/q.tsv"
  shift
  "$PEER" search "$IDX" "$tmp/q.tsv" 10 "$@" 2>"$ERR" | awk '{ print $1, $3, $5 }' >"$OUT"
  rc=${PIPESTATUS[0]}
}
scores_of() { awk -v q="$1" '$1 == q { print $2, $3 }' "$OUT"; }

peer 'rep\t?intervened\t?Intervenes\t?almaty\none\t?intervened\t?almaty\n'
check "search exits 0" test "$rc" -eq 0
same "clauses that stem alike count once" "$(scores_of rep)" "$(scores_of one)"
[ -n "$(scores_of one)" ]
check "... and the query found something" test $? -eq 0

peer 'mix\t?intervened\t+intervenes\nreq\t+intervened\n'
same "required wins when merging" "$(scores_of mix)" "$(scores_of req)"
same "... so only documents with the term match" "$(scores_of mix | cut -d' ' -f1 | sort | tr '\n' ' ')" "a c "

peer 'drop\t?--\t?almaty\nplain\t?almaty\n'
same "a clause without a term is dropped" "$(scores_of drop)" "$(scores_of plain)"

KZ_PEER_OPTS="--and" peer 'both\t?troops\t?almaty\n'
same "KZ_PEER_OPTS=--and makes bare clauses required" "$(scores_of both | cut -d' ' -f1)" "a"

KZ_PEER_OPTS="--and --frobnicate" peer 'both\t?troops\t?almaty\n'
check "an unknown KZ_PEER_OPTS option is an error" test "$rc" -eq 2
grep -q "KZ_PEER_OPTS: unknown search option '--frobnicate'" "$ERR"
check "... that names it" test $? -eq 0

KZ_PEER_OPTS="--bm25-b 2" peer 'both\t?troops\t?almaty\n'
check "a bad KZ_PEER_OPTS value is an error" test "$rc" -eq 2

cli_test_summary
