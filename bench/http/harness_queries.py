#!/usr/bin/env python3
"""harness_queries.py QUERIES.jsonl - the peer harness's queries as one
URL-encoded query per line, the form bench/http/queries.lua (wrk) and
bench_api_queries read. A query of mode "and" gets a + on each word
(required), unless it holds a phrase."""
import json
import sys
import urllib.parse

for line in open(sys.argv[1]):
    q = json.loads(line)
    text = ("+" + " +".join(q["text"].split())) if q.get("mode") == "and" and '"' not in q["text"] else q["text"]
    print(urllib.parse.quote(text))
