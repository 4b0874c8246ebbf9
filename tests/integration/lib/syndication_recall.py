"""syndication_recall.py GROUPS.jsonl: reads `kzsearch duplicates --json` of a
set made by syndicate.py and prints "recall R wrong W": R is the share of
copies found in the group of their original, W the number of groups holding
two originals (which must never happen for articles that are not copies)."""
import json, sys

copies = found = wrong = 0
groups = [json.loads(l)["ids"] for l in open(sys.argv[1]) if l.strip()]
where = {}
for g in groups:
    for i in g:
        where[i] = tuple(g)
    if sum(1 for i in g if not i.startswith("copy-of-")) > 1:
        wrong += 1
for line in open(sys.argv[2]):
    d = json.loads(line)
    if d["id"].startswith("copy-of-"):
        copies += 1
        orig = d["id"][len("copy-of-"):]
        if orig in where.get(d["id"], ()):
            found += 1
print("recall %.4f wrong %d copies %d" % (found / max(copies, 1), wrong, copies))
