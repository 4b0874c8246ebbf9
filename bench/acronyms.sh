#!/usr/bin/env bash
# acronyms.sh - the figures of "Acronyms" in bench/RESULTS.md.
#   1. MED1250 (development half, ../shared/corpora/med1250): `kzsearch
#      acronyms --json` scored by the collection's score.py (precision,
#      recall, F1 of the pairs).
#   2. Reuters-21578: index it, take the 200 acronyms defined in the most
#      documents (kzsearch aliases --json, long forms summed per short form)
#      and count the matches of each typed alone, with expansion and with
#      --no-expand (both with --no-collapse: a syndicated copy is a document); list the expanded ones with the number of documents they
#      gain and one document that only the long form finds (the ids to read
#      when checking the expansions by eye).
# Usage: bench/acronyms.sh   (KZ_BUILD_DIR: a build with kzsearch, default build/)
# Writes under ${TMPDIR:-/tmp}/kzsearch-acronyms/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KZ_SHARED_DIR:-$root/../shared}
kz=${KZ_BUILD_DIR:-$root/build}/kzsearch
W=${TMPDIR:-/tmp}/kzsearch-acronyms
mkdir -p "$W"
med=$shared/corpora/med1250
if [ -f "$med/docs.jsonl" ]; then
  echo "== MED1250 (development half)"
  "$kz" acronyms --json "$med/docs.jsonl" >"$W/med1250.pred.jsonl"
  python3 "$med/score.py" "$med/gold.jsonl" "$W/med1250.pred.jsonl"
fi
reuters=$shared/corpora/reuters21578/docs.jsonl.zst
[ -f "$reuters" ] || { echo "no $reuters: Reuters part skipped"; exit 0; }
echo "== Reuters-21578"
rm -rf "$W/reuters"
"$kz" index -i "$W/reuters" "$reuters" >/dev/null 2>&1 || true
"$kz" aliases -i "$W/reuters" --json >"$W/aliases.jsonl"
python3 - "$kz" "$W/reuters" "$W/aliases.jsonl" <<'PY'
import collections, json, subprocess, sys
kz, idx, path = sys.argv[1:4]
defs = collections.Counter()
expanded = {}
for line in open(path):
    a = json.loads(line)
    defs[a["short"]] += a["docs"]
    if a["expanded"]:
        expanded[a["short"]] = (a["long"], a["docs"])
top = [sf for sf, _ in defs.most_common(200)]

def ids(*args):
    out = subprocess.run([kz, "search", "-i", idx, "--json", "--no-collapse", "-k", "100000", *args],
                         capture_output=True, text=True).stdout
    return {json.loads(l)["id"] for l in out.splitlines() if l.startswith('{"type":"hit"')}

gained_total = plain_total = 0
rows = []
for sf in top:
    plain = ids("--no-expand", "--", sf)
    both = ids("--", sf)
    gained = both - plain
    plain_total += len(plain)
    gained_total += len(gained)
    if sf in expanded:
        rows.append((len(gained), sf, expanded[sf][0], expanded[sf][1], len(plain), sorted(gained)[:1]))
print("acronyms: %d (of %d defined), expanded: %d" % (len(top), len(defs), sum(sf in expanded for sf in top)))
print("documents found typed alone, summed: %d with --no-expand, %d more with expansion (+%.1f%%)"
      % (plain_total, gained_total, 100.0 * gained_total / max(plain_total, 1)))
print("gained\tSF\tlong form\tdefining docs\tplain matches\ta document only the long form finds")
for r in sorted(rows, reverse=True):
    print("%d\t%s\t%s\t%d\t%d\t%s" % (r[0], r[1], r[2], r[3], r[4], " ".join(r[5])))
PY
