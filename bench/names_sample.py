#!/usr/bin/env python3
"""names_sample.py - the Reuters figure of "Names spelled several ways" in
bench/RESULTS.md: which spellings a search merges, on a random sample of the
names table's keys, to be judged by eye.

Reads the names tables of an index (docs/FORMAT.md, "Names"), and for every
key with two or more spellings asks kzsearch what each spelling typed as a
name also matches (--json, the summary's also_matched). A key "merges" when
some spelling matches another; the script prints the number of such keys and
a random sample of them (seed fixed), each with its spellings, which of them
are English words (flag E) and the merges. It judges nothing itself.

Usage: bench/names_sample.py KZSEARCH INDEX [N=25] [SEED=15]
"""
import glob
import json
import os
import random
import struct
import subprocess
import sys


def entries(path):
    data = open(path, "rb").read()[8:-16]  # header, body, footer (FORMAT.md)
    (n,) = struct.unpack_from("<I", data, 0)
    base = 4 + 4 * n
    for i in range(n):
        (off,) = struct.unpack_from("<I", data, 4 + 4 * i)
        p = base + off
        klen = data[p]
        key = data[p + 1:p + 1 + klen].decode()
        p += 1 + klen
        tlen = data[p]
        term = data[p + 1:p + 1 + tlen].decode()
        yield key, term, data[p + 1 + tlen] & 1


def also_matched(kz, idx, term):
    word = term[:1].upper() + term[1:]
    out = subprocess.run([kz, "search", "-i", idx, "--json", "-k", "1", "--", word],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        o = json.loads(line)
        if o.get("type") == "summary":
            return o.get("also_matched", [])
    return []


def main():
    kz, idx = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    keys, english = {}, {}
    files = glob.glob(os.path.join(idx, "*.names"))
    for path in files:
        for key, term, flag in entries(path):
            keys.setdefault(key, set()).add(term)
            english[term] = english.get(term, 0) | flag
    total = len(keys)
    multi = sorted(k for k, t in keys.items() if len(t) > 1)
    merging = []
    for key in multi:
        merges = {t: also_matched(kz, idx, t) for t in sorted(keys[key])}
        if any(merges.values()):
            merging.append((key, merges))
    print("names files: %d; keys: %d; with two or more spellings: %d; merged by a search: %d"
          % (len(files), total, len(multi), len(merging)))
    random.seed(seed)
    for key, merges in sorted(random.sample(merging, min(n, len(merging)))):
        shown = " ".join(t + ("(E)" if english[t] else "") for t in sorted(merges))
        got = "; ".join("%s -> %s" % (t, ",".join(m)) for t, m in sorted(merges.items()) if m)
        print("%s\t%s\t%s" % (key, shown, got))


if __name__ == "__main__":
    main()
