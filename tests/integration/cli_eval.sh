#!/usr/bin/env bash
# cli_eval.sh - `kzsearch eval`: figures on a tiny judged collection worked
# out by hand (graded relevance, a query whose relevant document is not
# retrieved, a query with only non-relevant judgments, a judged query missing
# from the query file), query texts with syntax characters searched as plain
# words, --per-query, --json, --compare with its p-values, and clear errors
# for bad input. When ../shared is there, `kzsearch eval` on Cranfield must
# print the figures trec_eval_lite.py computes from the run it wrote.
#
# Run by ctest with KZ = the kzsearch binary; exit 77 (skip) without it or
# without python3.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_eval python3

cat >"$tmp/docs.jsonl" <<'J'
{"id": "d1", "title": "", "body": "alpha beta"}
{"id": "d2", "title": "", "body": "alpha alpha gamma"}
{"id": "d3", "title": "", "body": "gamma delta"}
{"id": "d4", "title": "", "body": "omega"}
J
# q1: alpha ranks d2 (tf 2) above d1; d2 is graded 2, d1 1, d3 1 (not retrieved).
# q2: gamma (syntax characters around it) retrieves d2, d3; only d4 is relevant.
# q3: judged, but not relevant anywhere: not measured. q4: judged, no text: scores 0.
cat >"$tmp/q.jsonl" <<'J'
{"id": "q1", "text": "alpha", "extra": [1, {"x": "}"}]}
{"id": "q2", "text": "+(gamma) -\"gamma\" AND:"}
{"id": "q3", "text": "omega"}
J
cat >"$tmp/qrels" <<'J'
q1 0 d1 1
q1 0 d2 2
q1 0 d3 1
q2 0 d4 1
q2 0 d2 0
q3 0 d4 0
q4 0 d1 1
J
kz index -i "$IDX" "$tmp/docs.jsonl"
check "index exits 0" test "$rc" -eq 0

kz eval -i "$IDX" --queries "$tmp/q.jsonl" --qrels "$tmp/qrels" --json --per-query
check "eval exits 0" test "$rc" -eq 0
# q1: AP (1/1 + 2/2)/3; nDCG (3 + 1/log2 3) / (3 + 1/log2 3 + 1/2); P@10 0.2; R 2/3.
# q2 and q4: 0. Means over q1, q2, q4.
python3 - "$OUT" <<'PY' >"$tmp/check" 2>&1
import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
per = {r["id"]: r for r in rows if r["type"] == "query"}
summ = [r for r in rows if r["type"] == "summary"][0]
ndcg = (3 + 1 / math.log2(3)) / (3 + 1 / math.log2(3) + 0.5)
want = {"q1": {"MAP": 2 / 3, "nDCG@10": ndcg, "P@10": 0.2, "R@100": 2 / 3, "R@1000": 2 / 3},
        "q2": dict.fromkeys(["MAP", "nDCG@10", "P@10", "R@100", "R@1000"], 0.0)}
want["q4"] = want["q2"]
assert sorted(per) == ["q1", "q2", "q4"], sorted(per)
for q, m in want.items():
    for k, v in m.items():
        assert abs(per[q][k] - v) < 1e-9, (q, k, per[q][k], v)
assert summ["queries"] == 3
for k in want["q1"]:
    assert abs(summ[k] - sum(want[q][k] for q in want) / 3) < 1e-9, (k, summ[k])
PY
check "figures as worked out by hand" test $? -eq 0
[ -s "$tmp/check" ] && sed 's/^/       /' "$tmp/check"
grep -q "1 judged queries are not in the query file" "$ERR"
check "a judged query missing from the query file is reported" test $? -eq 0

kz eval -i "$IDX" --queries "$tmp/q.jsonl" --qrels "$tmp/qrels" --compare "--bm25-b 0"
check "--compare exits 0" test "$rc" -eq 0
grep -q "^p (two-sided)" "$OUT" && grep -q "^--bm25-b 0 " "$OUT" && grep -q "randomization" "$OUT"
check "--compare prints both runs and the p-values" test $? -eq 0

kz eval -i "$IDX" --queries "$tmp/q.jsonl" --qrels "$tmp/qrels" --compare "--title-boost 3"
check "an unknown --compare option is an error" test "$rc" -eq 2
grep -q "unknown search option '--title-boost'" "$ERR"
check "... that names the option" test $? -eq 0

kz eval -i "$IDX" --queries "$tmp/q.jsonl"
check "missing --qrels is a usage error" test "$rc" -eq 2

printf 'q1 0 d1\n' >"$tmp/bad-qrels"
kz eval -i "$IDX" --queries "$tmp/q.jsonl" --qrels "$tmp/bad-qrels"
check "a malformed qrels line is an error" test "$rc" -eq 2
grep -q "bad-qrels:1:" "$ERR"
check "... naming FILE:LINE" test $? -eq 0

printf '{"id": "q1", "text": "alpha"}\n{"id": "q2", "text": }\n' >"$tmp/bad-q.jsonl"
kz eval -i "$IDX" --queries "$tmp/bad-q.jsonl" --qrels "$tmp/qrels"
check "a malformed query line is an error" test "$rc" -eq 2
grep -q "bad-q.jsonl:2:" "$ERR"
check "... naming FILE:LINE" test $? -eq 0

kz eval -i "$tmp/none" --queries "$tmp/q.jsonl" --qrels "$tmp/qrels"
check "a missing index is an error" test "$rc" -eq 2

# The same figures as the harness's reference, on a real collection.
SHARED=${KZ_SHARED_DIR:-${KZ_SOURCE_DIR:-.}/../shared}
C=$SHARED/corpora/cranfield
if [ -f "$C/docs.jsonl.zst" ] && [ -f "$SHARED/peers/trec_eval_lite.py" ] && command -v zstdcat >/dev/null; then
  zstdcat "$C/docs.jsonl.zst" >"$tmp/cran.jsonl"
  kz index -i "$tmp/cran" "$tmp/cran.jsonl"
  kz eval -i "$tmp/cran" --queries "$C/queries.jsonl" --qrels "$C/qrels.txt" --run "$tmp/cran.run"
  check "eval on Cranfield exits 0" test "$rc" -eq 0
  mine=$(awk '$1 == "default" { print $2, $3, $4, $5, $6 }' "$OUT")
  ref=$(python3 "$SHARED/peers/trec_eval_lite.py" "$C/qrels.txt" "$tmp/cran.run" |
    awk -F' *[|] *' 'NR == 3 { print $4, $5, $6, $7, $8 }')
  same "eval equals trec_eval_lite.py on Cranfield" "$mine" "$ref"
  n=$(awk '/judged queries/ { print $1 }' "$OUT")
  same "... over the same judged queries" "$n" "225"
else
  echo "skip - Cranfield against trec_eval_lite.py: ../shared not found"
fi

cli_test_summary
