#!/usr/bin/env python3
"""Builds the scale corpus deterministically from the shared corpora.

Wikipedia articles are split into paragraphs (each non-empty line of the
body, or runs of lines up to ~2000 characters, becomes a document titled
"<title> (part N)"), then Reuters-21578, BBC News and 20 Newsgroups follow
as they are. Output: JSON Lines on stdout, ids prefixed by their source.

Every document has a date: Reuters keeps its own (1987); the others, which
have none, get one spread evenly and deterministically over 2000-2024 by a
hash of their id (not in document order, so that sorting by date and date
filters are not helped by the order in which documents were added).

  bench/make_scale_corpus.py SHARED_CORPORA_DIR [--fraction F]

--fraction keeps every document whose running number n satisfies
(n * F) crossing an integer, i.e. an evenly spread F share (for the
latency-versus-size figures: 0.1 gives 10% of the corpus).
"""
import argparse
import datetime
import hashlib
import io
import json
import os
import subprocess
import sys


def read_jsonl_zst(path):
    proc = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE)
    for line in io.TextIOWrapper(proc.stdout, encoding="utf-8", errors="replace"):
        if line.strip():
            yield json.loads(line)
    proc.wait()


def wikipedia_paragraphs(doc):
    part, buf = 0, []
    size = 0
    for line in doc.get("body", "").split("\n"):
        line = line.strip()
        if not line:
            continue
        buf.append(line)
        size += len(line)
        if size >= 400:
            part += 1
            yield part, "\n".join(buf)
            buf, size = [], 0
    if buf:
        part += 1
        yield part, "\n".join(buf)


DATE_FROM = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
DATE_SPAN = int((datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc) - DATE_FROM).total_seconds())


def spread_date(doc_id):
    """A date in 2000-2024 that depends only on the id (to the second)."""
    h = int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest(), "big")
    t = DATE_FROM + datetime.timedelta(seconds=h % DATE_SPAN)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpora")
    ap.add_argument("--fraction", type=float, default=1.0)
    a = ap.parse_args()
    out = sys.stdout
    n = 0
    kept = 0

    def emit(d):
        nonlocal n, kept
        n += 1
        if not d.get("date"):
            d["date"] = spread_date(d["id"])
        if int(n * a.fraction) != int((n - 1) * a.fraction):
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
            kept += 1

    for doc in read_jsonl_zst(os.path.join(a.corpora, "wikipedia", "docs.jsonl.zst")):
        for part, text in wikipedia_paragraphs(doc):
            emit({"id": f"wiki-{doc['id']}-{part}", "title": f"{doc.get('title', '')} (part {part})",
                  "body": text, "url": doc.get("url", "")})
    for name in ("reuters21578", "bbc", "20newsgroups"):
        for doc in read_jsonl_zst(os.path.join(a.corpora, name, "docs.jsonl.zst")):
            doc["id"] = f"{name}-{doc['id']}"
            emit(doc)
    print(f"{kept} of {n} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
