#!/usr/bin/env bash
# cli_sort_facet.sh - --sort date, --sort date:asc and --facet date:UNIT
# through the CLI against a brute-force reading of the documents (python):
# 120 generated articles over 14 months, a fifth without a date, in four
# commits (several segments) with some replaced and deleted. Checks the order
# (dates, undated last, equal dates by score then document order), paging,
# exact totals, facet counts per day, month and year over all matches, and on
# the sample articles that --sort date orders them and --facet date:day
# counts them.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_sort_facet python3 sample

python3 - "$tmp" <<'PY'
import json, random, sys
r = random.Random(7)
words = ["oil", "wheat", "pipeline", "election", "court", "harvest"]
docs = []
for i in range(120):
    w = [r.choice(words) for _ in range(r.randint(3, 12))]
    d = {"id": "d%03d" % i, "title": "Report %d" % i, "body": " ".join(w)}
    if r.random() > 0.2:
        d["date"] = "2021-%02d-%02dT%02d:00:00Z" % (1 + r.randrange(12), 1 + r.randrange(28), r.randrange(24)) \
            if r.random() < 0.8 else "2022-%02d-15" % (1 + r.randrange(2))
    docs.append(d)
for part in range(4):
    with open("%s/part%d.jsonl" % (sys.argv[1], part), "w") as f:
        for d in docs[part * 30:(part + 1) * 30]:
            f.write(json.dumps(d) + "\n")
# replacements and deletions: d005 gets a new date, d010 goes
with open("%s/part4.jsonl" % sys.argv[1], "w") as f:
    f.write(json.dumps({"id": "d005", "title": "Report 5 again", "body": "oil oil wheat", "date": "2021-06-30"}) + "\n")
PY
for p in 0 1 2 3 4; do "$KZ" index -i "$IDX" "$tmp/part$p.jsonl" >/dev/null 2>&1; done
"$KZ" delete -i "$IDX" d010 >/dev/null 2>&1

# The reference: documents holding the word, as the index sees them.
check_sort() { # check_sort NAME ORDER WORD K OFFSET
  kz -i "$IDX" --json --sort "$2" -k "$4" --offset "$5" "$3"
  python3 - "$tmp" "$OUT" "$2" "$3" "$4" "$5" <<'PY'
import json, sys, datetime
tmp, out, order, word, k, offset = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
docs = {}
for p in range(5):
    for line in open("%s/part%d.jsonl" % (tmp, p)):
        d = json.loads(line); docs[d["id"]] = d
docs.pop("d010")
def when(d):
    s = d.get("date")
    if not s: return None
    if len(s) == 10: s += "T00:00:00Z"
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
lines = [json.loads(l) for l in open(out)]
hits = [l for l in lines if l["type"] == "hit"]
total = [l for l in lines if l["type"] == "summary"][0]["total"]
want = sorted(i for i, d in docs.items() if word in (d["title"] + " " + d["body"]).lower().split())
got_ids = [h["id"] for h in hits]
ok = total == len(want) and set(got_ids) <= set(want) and len(hits) == max(0, min(k, len(want) - offset))
dates = [when(docs[i]) for i in got_ids]
scores = [h["score"] for h in hits]
for a in range(len(hits) - 1):
    da, db = dates[a], dates[a + 1]
    if da is None and db is not None: ok = False
    if da is not None and db is not None:
        if (order == "date" and da < db) or (order == "date:asc" and da > db): ok = False
        if da == db and scores[a] < scores[a + 1]: ok = False
print("ok" if ok else "bad: total %d want %d, %s" % (total, len(want), list(zip(got_ids, dates))[:6]))
PY
}
r=$(check_sort newest date oil 200 0); same "--sort date: newest first, undated last, exact total" "$r" ok
r=$(check_sort oldest date:asc oil 200 0); same "--sort date:asc: oldest first, undated last" "$r" ok
kz -i "$IDX" --json --sort date -k 200 oil
all=$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in open(sys.argv[1]) if "\"hit\"" in l))' "$OUT")
kz -i "$IDX" --json --sort date -k 7 --offset 5 oil
page=$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in open(sys.argv[1]) if "\"hit\"" in l))' "$OUT")
same "paging takes the same order" "$page" "$(echo "$all" | tr ' ' '\n' | sed -n 6,12p | tr '\n' ' ' | sed 's/ $//')"

for unit in day month year; do
  kz -i "$IDX" --json --facet "date:$unit" -k 1 wheat
  r=$(python3 - "$tmp" "$OUT" "$unit" <<'PY'
import json, sys, collections
tmp, out, unit = sys.argv[1:4]
docs = {}
for p in range(5):
    for line in open("%s/part%d.jsonl" % (tmp, p)):
        d = json.loads(line); docs[d["id"]] = d
docs.pop("d010")
want = collections.Counter()
for d in docs.values():
    if "wheat" in (d["title"] + " " + d["body"]).lower().split() and d.get("date"):
        want[d["date"][: {"day": 10, "month": 7, "year": 4}[unit]]] += 1
got = {l["bucket"]: l["count"] for l in map(json.loads, open(out)) if l["type"] == "facet"}
print("ok" if got == dict(want) and list(got) == sorted(got) else "bad: %s vs %s" % (sorted(got.items())[:4], sorted(want.items())[:4]))
PY
)
  same "--facet date:$unit counts every match per $unit, oldest first" "$r" ok
done

kz -i "$IDX" --sort sideways oil
check "a bad --sort is an error naming the orders" grep -q "expected score, date or date:asc" "$ERR"
kz -i "$IDX" --facet date:week oil
check "a bad --facet is an error naming the units" grep -q "date:day, date:month or date:year" "$ERR"

# The sample articles: two are dated (2022-01-06 and 2022-01-07).
kz index -i "$tmp/sample" "$DATA"
kz -i "$tmp/sample" --json --sort date kazakhstan
first=$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["id"] for l in open(sys.argv[1]) if "\"hit\"" in l))' "$OUT" | cut -d' ' -f1-2)
same "sample: --sort date puts the newest first" "$first" "seed-003 seed-000"
kz -i "$tmp/sample" --json --facet date:day kazakhstan
facets=$(python3 -c 'import json,sys; print(" ".join("%s=%d" % (l["bucket"], l["count"]) for l in map(json.loads, open(sys.argv[1])) if l["type"] == "facet"))' "$OUT")
same "sample: --facet date:day counts them" "$facets" "2022-01-06=1 2022-01-07=1"
cli_test_summary
