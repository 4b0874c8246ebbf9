"""syndicate.py - a synthetic syndication set (README.md, "Syndicated copies"):
   python3 syndicate.py IN.jsonl OUT.jsonl N SEED
writes the first N articles of IN.jsonl and, for each, one copy as a wire
service's client would print it, with one edit in turn: a new headline, one
paragraph dropped, one paragraph added, or a boilerplate footer. A copy's id is
"copy-of-<original id>", so a test can tell which group it belongs in."""
import json, random, re, sys

src, dst, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
r = random.Random(seed)
docs = []
with open(src) as f:
    for line in f:
        if line.strip():
            docs.append(json.loads(line))
        if len(docs) == n:
            break
EDITS = ["headline", "drop", "add", "footer"]
agencies = ["Example Wire", "Daily Courier", "Metro Herald", "Evening Post"]
added = [
    "Our correspondent in the region said the situation remained unclear and "
    "that further details were expected later in the day.",
    "Readers can follow further coverage of this story on our website and in "
    "tomorrow's print edition.",
]
with open(dst, "w") as out:
    for i, d in enumerate(docs):
        out.write(json.dumps(d) + "\n")
        sep = "\n\n" if "\n\n" in d["body"] else "\n"
        paras = [p for p in d["body"].split(sep) if p.strip()]
        edit = EDITS[i % 4]
        title = d.get("title", "")
        if edit == "headline":
            title = "%s: %s" % (r.choice(["UPDATE", "WORLD", "BRIEFING"]), " ".join(reversed(title.split())))
        elif edit == "drop" and len(paras) >= 3:
            del paras[r.randrange(1, len(paras))]
        elif edit in ("drop", "add"):
            paras.insert(r.randrange(1, len(paras) + 1), r.choice(added))
        else:
            agency = r.choice(agencies)
            paras.append("This story was distributed by %s. Copyright %s. All rights "
                         "reserved; it may not be republished without permission." % (agency, agency))
        copy = {"id": "copy-of-" + d["id"], "title": title, "body": sep.join(paras)}
        out.write(json.dumps(copy) + "\n")
