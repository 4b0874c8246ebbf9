#!/usr/bin/env bash
# crash_kill9.sh - `kill -9` of a writer at a random moment never damages the
# index, and never leaves a lock behind (docs/RELIABILITY.md).
#
# Each iteration starts `kzsearch index --memory 1M` of a generated corpus
# (several segments; sized so that a whole run takes about 0.3-1 s on this
# machine, measured first) on an index with a committed state, kills it
# with SIGKILL after a random delay between 0 and the measured run time,
# then asserts:
#   - the index opens and searches (exit 0 or 1) and `check --full` exits 0;
#   - the document count is the previous commit's or the new one's (each
#     iteration's documents have fresh ids, so the two differ; one iteration
#     in five uses --rebuild, which keeps the index small);
#   - the next writer proceeds (the lock died with the process), its commit
#     adds exactly its one document, and no file is left that the manifest
#     does not name (no MANIFEST.tmp, no seg-* file beyond those it names).
# It prints how many kills landed before the commit, after it, and after
# the process had already finished.
#
# Then the lock: while a writer holds it (`kzsearch index -` reading a fifo,
# with documents added but not committed), a second writer fails with exit 2
# and "locked by pid <holder>", a search still works; after kill -9 of the
# holder the next writer proceeds, and the holder's documents were never
# committed.
#
# 50 iterations; KZ_LONG=1 runs 1000, KZ_KILL_ITERATIONS=N runs N.
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root. Exit 77 (skip) when the binary, the data or mkfifo is missing.

set -u

skip() {
  echo "skip: $*" >&2
  exit 77
}
if [ -z "${KZ:-}" ] || [ ! -x "$KZ" ]; then skip "KZ does not name the kzsearch binary"; fi
DATA="${KZ_SOURCE_DIR:-.}/data/kazakhstan/docs.jsonl"
GEN="${KZ_SOURCE_DIR:-.}/tests/fault/gen_corpus.awk"
[ -f "$DATA" ] || skip "$DATA not found"
[ -f "$GEN" ] || skip "$GEN not found"
command -v mkfifo >/dev/null 2>&1 || skip "mkfifo is needed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_crash_kill9.XXXXXX") || exit 1
trap 'exec 3>&- 2>/dev/null; rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/xdg"
unset KZSEARCH_INDEX
IDX="$tmp/idx"
ERR="$tmp/err"
passed=0
failed=0

iterations=50
[ "${KZ_LONG:-0}" != 0 ] && iterations=1000
[ -n "${KZ_KILL_ITERATIONS:-}" ] && iterations=$KZ_KILL_ITERATIONS

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -s "$ERR" ]; then sed 's/^/       stderr: /' "$ERR" | head -3; fi
}

docs() { "$KZ" stats -i "$IDX" --json 2>/dev/null | sed -n 's/.*"documents":\([0-9]*\).*/\1/p'; }
# leftovers: prints what is in the index that the manifest does not name.
leftovers() {
  local named files
  named=$("$KZ" check --json -i "$IDX" 2>/dev/null | sed -n 's/.*"type":"summary".*"files":\([0-9]*\).*/\1/p')
  files=$(($(find "$IDX" -maxdepth 1 -name 'seg-*' | wc -l) + 1))
  [ -e "$IDX/MANIFEST.tmp" ] && echo "MANIFEST.tmp remains"
  [ "$files" -eq "${named:-0}" ] || echo "$files files where the manifest names ${named:-?}"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# corpus I: the generated corpus with ids of iteration I (fresh ids each time).
corpus() { sed "s/^{\"id\":\"k-/{\"id\":\"k$1-/" "$tmp/corpus.jsonl" >"$tmp/run.jsonl"; }
extra() { sed "s/^{\"id\":\"extra-/{\"id\":\"extra$1-/" "$tmp/extra.jsonl" >"$tmp/extra-run.jsonl"; }

awk -v n=1 -v seed=32 -v prefix=extra -f "$GEN" >"$tmp/extra.jsonl"
if ! "$KZ" index -i "$IDX" "$DATA" >/dev/null 2>"$ERR"; then
  fail "commit A"
  echo "$passed passed, $failed failed"
  exit 1
fi

# Size the corpus so that a whole run takes 0.3-1 s here (Debug, ASan and
# machines differ), on a scratch copy of the index.
n_docs=400
for _ in 1 2 3 4 5; do
  awk -v n="$n_docs" -v seed=31 -v prefix=k -f "$GEN" >"$tmp/corpus.jsonl"
  corpus calib
  rm -rf "$tmp/scratch"
  cp -R "$IDX" "$tmp/scratch"
  t0=$(now_ms)
  "$KZ" index -i "$tmp/scratch" --memory 1M "$tmp/run.jsonl" >/dev/null 2>&1
  run_ms=$(($(now_ms) - t0))
  if [ "$run_ms" -lt 300 ]; then
    n_docs=$((n_docs * 2))
  elif [ "$run_ms" -gt 1500 ] && [ "$n_docs" -gt 50 ]; then
    n_docs=$((n_docs / 2))
  else
    break
  fi
done
rm -rf "$tmp/scratch"
echo "# corpus: $n_docs documents, a whole run takes $run_ms ms; $iterations iterations"
max_delay=$((run_ms + run_ms / 10 + 1))

before_commit=0
after_commit=0
finished=0
start=$(date +%s)
for ((i = 1; i <= iterations; i++)); do
  prev=$(docs)
  corpus "$i"
  args=(--memory 1M)
  if [ $((i % 5)) -eq 0 ]; then
    args+=(--rebuild)
    new=$n_docs
  else
    new=$((prev + n_docs))
  fi
  delay=$((RANDOM * 32768 + RANDOM))
  delay=$((delay % max_delay))
  "$KZ" index -i "$IDX" "${args[@]}" "$tmp/run.jsonl" >/dev/null 2>"$ERR" &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rc=$?
  what="iteration $i (${args[*]}, killed after $delay ms, exit $rc)"
  problems=()
  [ "$rc" -eq 137 ] || [ "$rc" -eq 0 ] || problems+=("exit $rc: neither killed nor finished")

  count=$(docs)
  "$KZ" search -i "$IDX" -c kazakhstan >/dev/null 2>&1
  src=$?
  [ "$src" -eq 0 ] || [ "$src" -eq 1 ] || problems+=("search exits $src")
  "$KZ" check --full -i "$IDX" >"$tmp/check" 2>&1 || problems+=("check --full: $(head -1 "$tmp/check")")
  if [ "$count" = "$prev" ]; then
    [ "$rc" -eq 0 ] && problems+=("finished (exit 0) but $count documents, as before")
    [ "$rc" -eq 137 ] && before_commit=$((before_commit + 1))
  elif [ "$count" = "$new" ]; then
    if [ "$rc" -eq 137 ]; then after_commit=$((after_commit + 1)); else finished=$((finished + 1)); fi
  else
    problems+=("${count:-no} documents: neither $prev (before) nor $new (committed)")
  fi

  # The next writer: no stale lock, its one document committed, no leftovers.
  extra "$i"
  if ! "$KZ" index -i "$IDX" "$tmp/extra-run.jsonl" >/dev/null 2>"$ERR"; then
    problems+=("the next writer failed: $(head -1 "$ERR")")
  else
    after=$(docs)
    [ "$after" = $((count + 1)) ] || problems+=("$after documents after the next writer added 1 to $count")
    left=$(leftovers)
    [ -z "$left" ] || problems+=("after the next writer: $left")
  fi

  if [ ${#problems[@]} -eq 0 ]; then
    pass
  else
    fail "$what"
    for p in "${problems[@]}"; do echo "       $p"; done
  fi
done
echo "# $iterations kills: $before_commit before the commit, $after_commit after it, $finished after the process had finished; $(($(date +%s) - start)) s"

# ---- the lock -------------------------------------------------------------
before=$(docs)
mkfifo "$tmp/fifo"
"$KZ" index -i "$IDX" - <"$tmp/fifo" >/dev/null 2>"$tmp/holder.err" &
holder=$!
exec 3>"$tmp/fifo"
head -n 20 "$tmp/corpus.jsonl" | sed 's/^{"id":"k-/{"id":"held-/' >&3
for ((t = 0; t < 500; t++)); do
  [ "$(cat "$IDX/LOCK" 2>/dev/null)" = "$holder" ] && break
  sleep 0.02
done
extra lock
"$KZ" index -i "$IDX" "$tmp/extra-run.jsonl" >/dev/null 2>"$ERR"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "locked by pid $holder" "$ERR"; then
  pass
  echo "ok   - a second writer: exit 2, $(head -1 "$ERR")"
else
  fail "a second writer while the lock is held: exit $rc, want 2 and 'locked by pid $holder'"
fi
if "$KZ" search -i "$IDX" -c kazakhstan >/dev/null 2>"$ERR"; then pass; else
  fail "search while a writer holds the lock"
fi
kill -9 "$holder"
wait "$holder" 2>/dev/null
exec 3>&-
if "$KZ" index -i "$IDX" "$tmp/extra-run.jsonl" >/dev/null 2>"$ERR" && [ "$(docs)" = $((before + 1)) ] &&
  [ -z "$(leftovers)" ] && "$KZ" check --full -i "$IDX" >/dev/null 2>&1; then
  pass
  echo "ok   - after kill -9 of the holder the next writer proceeds; the holder's documents were not committed"
else
  fail "the next writer after kill -9 of the lock holder ($(docs) documents, $before before; $(leftovers))"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
