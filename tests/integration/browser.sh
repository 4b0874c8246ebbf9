#!/usr/bin/env bash
# browser.sh - the search page in a real browser: Debian's chromium driven by
# puppeteer-core (tests/browser, installed with `npm ci --prefix tests/browser`;
# .ci/run does it). Serves 60 generated articles over three months, a few
# that define an acronym, spell a name two ways or copy one another (and
# Reuters-21578, for the time-to-results figure, when ../shared is there),
# then runs tests/browser/search_page.test.js. The screenshot of the results
# page goes to the build directory (search-page.png). Skips (77) without
# chromium, node or the npm package.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup browser node python3
src=${KZ_SOURCE_DIR:-.}
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "skip: $chromium is missing (apt-get install chromium)" >&2; exit 77; }
[ -d "$src/tests/browser/node_modules/puppeteer-core" ] ||
  { echo "skip: puppeteer-core is missing (npm ci --prefix tests/browser)" >&2; exit 77; }
shot=${KZ_BUILD_DIR:-$tmp}/search-page.png

python3 - "$tmp/docs.jsonl" <<'PY'
import json, sys
words = ["oil", "wheat", "protest", "pipeline", "election", "court", "railway", "harvest"]
with open(sys.argv[1], "w") as f:
    for i in range(60):
        month, day = 1 + i % 3, 1 + (i * 7) % 28
        w = words[i % len(words)]
        f.write(json.dumps({"id": "art-%02d" % i, "title": "Almaty report %d: %s news" % (i, w),
                            "date": "2022-%02d-%02dT%02d:00:00Z" % (month, day, i % 24),
                            "url": "https://news.example/almaty/%d" % i,
                            # a lead of its own: otherwise the articles are near-duplicates of
                            # each other, and the page folds them into one hit per word
                            "body": "Dispatch %s. " % " ".join("d%dw%d" % (i, j) for j in range(24)) +
                                    "From Almaty, a report on %s. " % w * 3 + "Officials in the region commented on the %s situation at length." % w}) + "\n")
    # What the page shows around the hits: an acronym defined in three articles
    # (CSTO expands), a name spelled two ways (Mangistau also matches
    # Mangystau), and one article with two near-identical copies ("+2 similar").
    extra = [
        ("acr-0", "Peacekeepers land", "The Collective Security Treaty Organization (CSTO) flew peacekeepers to the airport on Thursday."),
        ("acr-1", "Mission ends", "Troops of the Collective Security Treaty Organization (CSTO) began leaving after ten days."),
        ("acr-2", "Treaty summit", "Leaders of the Collective Security Treaty Organization (CSTO) met in Moscow to review the mission."),
        ("nm-0", "Strike spreads", "Oil workers in Mangystau stopped work over the price of liquefied gas."),
        ("nm-1", "Fuel protests", "The protests that began in Mangistau reached other towns within two days."),
        ("nm-2", "Regional governor", "The governor of Mangistau promised to cap gas prices for six months."),
    ] + [("dup-%d" % i, "Grain shipments from Kostanay", "Exporters in Kostanay shipped record volumes of barley through the "
          "northern rail corridor this winter, traders in the grain market said on Tuesday, adding that freight rates "
          "rose sharply as demand from buyers abroad stayed strong." + (" Updated." if i else "")) for i in range(3)]
    for i, (doc_id, title, body) in enumerate(extra):
        f.write(json.dumps({"id": doc_id, "title": title, "date": "2022-02-%02dT09:00:00Z" % (10 + i),
                            "body": body}) + "\n")
PY
"$KZ" index -i "$IDX" "$tmp/docs.jsonl" >/dev/null 2>&1 || { echo "FAIL - index"; exit 1; }
start() { # start DIR OUTFILE -> prints the URL
  "$KZ" serve -i "$1" --listen 127.0.0.1:0 --quiet >"$2" 2>&1 &
  for _ in $(seq 100); do grep -q http "$2" && break; sleep 0.1; done
  grep -o 'http://[^/]*/' "$2"
}
url=$(start "$IDX" "$tmp/serve1.out")
pids=$(jobs -p)
timing=
reuters=${KZ_SHARED_DIR:-$src/../shared}/corpora/reuters21578/docs.jsonl.zst
if [ -f "$reuters" ]; then
  "$KZ" index -i "$tmp/reuters" "$reuters" >/dev/null 2>&1 && timing=$(start "$tmp/reuters" "$tmp/serve2.out")
else
  echo "note: $reuters missing: no time-to-results figure" >&2
fi
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
NODE_PATH="$src/tests/browser/node_modules" CHROMIUM="$chromium" \
  node "$src/tests/browser/search_page.test.js" "$url" "$shot" $timing
