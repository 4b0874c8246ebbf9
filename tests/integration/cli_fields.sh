#!/usr/bin/env bash
# cli_fields.sh - title:, date: and --since/--until on the sample articles,
# and `kzsearch upgrade` of the format-v2 fixture (tests/data/v2-kazakhstan).
#
# title:almaty must find exactly the articles whose headline names Almaty
# (found here with grep on the JSON Lines, not written down); date:2022-01-06
# exactly those dated that day; an upgraded copy of the v2 fixture answers
# every query exactly (ids, order, scores) as a fresh index of its live
# documents; before the upgrade, searching it says to run the upgrade.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_fields sample
FIXTURE="${KZ_SOURCE_DIR:-.}/tests/data/v2-kazakhstan"
UPDATE="${KZ_SOURCE_DIR:-.}/tests/data/v2-kazakhstan-update.jsonl"
# ids FILE: the hit ids of a --json output, sorted, one line.
ids() { grep -o '"type":"hit".*"id":"[^"]*"' "$1" | sed 's/.*"id":"\([^"]*\)".*/\1/' | sort | tr '\n' ' '; }
# hits FILE: ids and scores in rank order.
hits() { grep '"type":"hit"' "$1" | sed 's/.*"id":"\([^"]*\)","score":\([^,]*\),.*/\1 \2/'; }

kz index -i "$IDX" "$DATA"
expect "the sample articles index" 0

# --- title: ------------------------------------------------------------------
want=$(grep -i '"title": "[^"]*almaty' "$DATA" | sed 's/.*"id": "\([^"]*\)".*/\1/' | sort | tr '\n' ' ')
check "some headline names Almaty" test -n "$want"
kz -i "$IDX" -k 100 --json title:almaty
same "title:almaty finds the articles whose headline names Almaty" "$(ids "$OUT")" "$want"
kz -i "$IDX" -k 100 --json almaty
all=$(ids "$OUT")
[ "$all" != "$want" ] && pass "almaty alone finds more (the bodies)" || fail "almaty alone finds more"
kz -i "$IDX" -k 100 --json -- "-title:almaty almaty"
check "-title:almaty leaves the headline ones out" test -z "$(comm -12 <(ids "$OUT" | tr ' ' '\n' | sed '/^$/d') <(echo "$want" | tr ' ' '\n' | sed '/^$/d'))"
kz -i "$IDX" -k 100 --json 'title:"state of emergency"'
expect "a title phrase runs" 1
kz -i "$IDX" -k 100 --json '+title:kazakhstan peacekeeping'
expect "+title: requires the title term" 0 '"type":"hit"'

# --- date: ---------------------------------------------------------------------
want=$(grep '"date": "2022-01-06' "$DATA" | sed 's/.*"id": "\([^"]*\)".*/\1/' | sort | tr '\n' ' ')
check "some article is dated 2022-01-06" test -n "$want"
kz -i "$IDX" -k 100 --json date:2022-01-06
same "date:2022-01-06 returns that day's articles" "$(ids "$OUT")" "$want"
kz -i "$IDX" -k 100 --json kazakhstan --since 2022-01-06 --until 2022-01-06
same "--since/--until the same day as date:" "$(ids "$OUT")" "$want"
kz -i "$IDX" -k 100 --json 'date:[2022-01-06 TO 2022-01-07]'
n=$(grep -c '"date": "2022-01-0[67]' "$DATA")
same "date:[A TO B] is inclusive" "$(grep -c '"type":"hit"' "$OUT")" "$n"
kz -i "$IDX" --json date:1999
expect "a date range without documents matches nothing" 1

# --- errors with a caret ---------------------------------------------------------
for q in 'author:x' 'title:' 'date:..' 'date:2022-13-40' 'date:2022-01-07..2022-01-05' 'date:'; do
  kz -i "$IDX" "$q"
  expect "'$q' is an error with a caret" 2 '\^' "$ERR"
done
long=$(head -c 10000 /dev/zero | tr '\0' a)
kz -i "$IDX" "$long:x"
expect "a field name of 10,000 bytes is an error, quoted short" 2 "unknown field 'aaaa" "$ERR"
check "... in a message of reasonable size" test "$(wc -c <"$ERR")" -lt 12000
kz -i "$IDX" "date:99999-01-01"
expect "a huge year is an error" 2 '\^' "$ERR"
kz -i "$IDX" kazakhstan --since 2022-13
expect "a bad --since is an error" 2 "since" "$ERR"

# --- upgrade ---------------------------------------------------------------------
if [ -d "$FIXTURE" ] && [ -f "$UPDATE" ]; then
  OLD="$tmp/old"
  cp -R "$FIXTURE" "$OLD"
  kz -i "$OLD" almaty
  expect "a v2 index is refused, saying to upgrade" 2 "kzsearch upgrade" "$ERR"
  kz upgrade -i "$OLD"
  expect "upgrade converts it" 0 "from format v2" "$ERR"
  kz upgrade -i "$OLD"
  expect "a second upgrade has nothing to do" 0 "nothing to do" "$ERR"
  kz check --full -i "$OLD"
  expect "the upgraded index checks clean" 0
  # The live documents in the old index's order: segment 1 less the replaced and the deleted,
  # then segment 2.
  grep -v '"id": "seed-002"' "$DATA" | grep -v '"id": "seed-004"' >"$tmp/live.jsonl"
  cat "$UPDATE" >>"$tmp/live.jsonl"
  kz index -i "$tmp/fresh" "$tmp/live.jsonl"
  for q in almaty 'kazakhstan protests' '"state of emergency"' title:almaty 'date:2022-01' \
    'troops -title:kazakhstan' 'peacekeeping OR curfew'; do
    kz -i "$OLD" -k 100 --json -- "$q"
    hits "$OUT" >"$tmp/a"
    kz -i "$tmp/fresh" -k 100 --json -- "$q"
    hits "$OUT" >"$tmp/b"
    check "upgraded = fresh for [$q]" cmp -s "$tmp/a" "$tmp/b"
  done
else
  echo "skip: the v2 fixture is not at hand"
fi

cli_test_summary
