#!/usr/bin/env bash
# signals.sh - SIGINT and SIGTERM during `kzsearch index` discard the run
# (docs/RELIABILITY.md): exit 130 / 143 with "kzsearch: interrupted; nothing
# was committed", the previous commit intact and `check --full` clean, no
# segment file left behind (the writer removes its own), and the next writer
# proceeds. For each signal, two ways in:
#   - stdin: `kzsearch index -` reads 600 documents (2.7 MB) from a fifo
#     that stays open, has written segments, and is blocked waiting for more
#     input when the signal comes (the read returns EINTR; the library's
#     progress callback, every 1000 documents, is never due);
#   - file: a large generated file is being indexed, segments are being
#     written, and the signal is seen by the progress callback; the time
#     from the signal to the exit is printed.
# A run still going 20 s after the signal fails the test (and is killed).
# Plus: a second SIGINT right after the first still ends the process with
# the index intact, and a SIGINT ignored on entry stays ignored.
#
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root. Exit 77 (skip) when the binary, the data or mkfifo is missing.
# Background commands run under `set -m`: without job control bash starts
# them with SIGINT ignored, and kzsearch keeps a signal ignored on entry.

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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_signals.XXXXXX") || exit 1
trap 'exec 3>&- 2>/dev/null; rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/xdg"
unset KZSEARCH_INDEX
IDX="$tmp/idx"
ERR="$tmp/err"
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -s "$ERR" ]; then sed 's/^/       stderr: /' "$ERR" | head -5; fi
}

awk -v n=600 -v seed=21 -v prefix=fifo -v words=300 -f "$GEN" >"$tmp/fifo.jsonl"
awk -v n=6000 -v seed=22 -v prefix=big -f "$GEN" >"$tmp/big.jsonl"
awk -v n=1 -v seed=23 -v prefix=extra -f "$GEN" >"$tmp/extra.jsonl"

docs() { "$KZ" stats -i "$IDX" --json 2>/dev/null | sed -n 's/.*"documents":\([0-9]*\).*/\1/p'; }
seg_files() { find "$IDX" -maxdepth 1 -name 'seg-*' | wc -l; }
# named: the files the manifest names (MANIFEST included), as check counts them.
named() { "$KZ" check --json -i "$IDX" 2>/dev/null | sed -n 's/.*"type":"summary".*"files":\([0-9]*\).*/\1/p'; }
no_leftovers() { [ ! -e "$IDX/MANIFEST.tmp" ] && [ $(($(seg_files) + 1)) -eq "$(named)" ]; }
# add_one: the next writer adds one document with a fresh id; fails when it cannot.
n_extra=0
add_one() {
  n_extra=$((n_extra + 1))
  sed "s/^{\"id\":\"extra-/{\"id\":\"extra$n_extra-/" "$tmp/extra.jsonl" >"$tmp/extra-run.jsonl"
  "$KZ" index -i "$IDX" "$tmp/extra-run.jsonl" >/dev/null 2>"$ERR"
}
# wait_for COMMAND...: polls COMMAND every 20 ms for up to 20 s.
wait_for() {
  local i
  for ((i = 0; i < 1000; i++)); do
    "$@" && return 0
    sleep 0.02
  done
  return 1
}
more_seg_files_than() { [ "$(seg_files)" -gt "$1" ]; }
# blocked_in_pipe_read PID: the process sleeps in a pipe read (its kernel wait channel).
blocked_in_pipe_read() {
  local state wchan
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  wchan=$(cat "/proc/$1/wchan" 2>/dev/null)
  [ "$state" = S ] && case "$wchan" in *pipe*) true ;; *) false ;; esac
}
# start_indexing INPUT ARGS...: `kzsearch index -i $IDX ARGS... <INPUT` in the
# background with job control (so SIGINT is not ignored), stderr in $ERR, pid
# in $pid. The child opens INPUT: a fifo would block the shell itself.
start_indexing() {
  local input=$1
  shift
  set -m
  "$KZ" index -i "$IDX" "$@" <"$input" >/dev/null 2>"$ERR" &
  pid=$!
  set +m
}
# wait_exit PID SECONDS: waits for the process to end; sets rc to its exit
# status, or kills it and sets rc=124 when it is still running after SECONDS.
wait_exit() {
  local i
  for ((i = 0; i < $2 * 50; i++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.02
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    rc=124
  else
    wait "$1"
    rc=$?
  fi
}
give_up() { # give_up NAME: the run never got going; end it.
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  fail "$1: no segment was written"
}

# after_interrupt NAME RC WANT_RC BEFORE: the checks that follow every interruption.
after_interrupt() {
  local name=$1 rc=$2 want=$3 before=$4 now
  if [ "$rc" -eq "$want" ] && grep -q "^kzsearch: interrupted; nothing was committed$" "$ERR"; then
    pass "$name: exit $want and the message"
  elif [ "$rc" -eq 124 ]; then
    fail "$name: still running 20 s after the signal (killed)"
  else
    fail "$name: exit $rc (want $want) and the message"
  fi
  now=$(docs)
  if [ "$now" = "$before" ]; then pass "$name: the previous commit is intact ($now documents)"; else
    fail "$name: $now documents, $before before"
  fi
  if "$KZ" check --full -i "$IDX" >"$tmp/check" 2>&1; then pass "$name: check --full is clean"; else
    fail "$name: check --full: $(head -1 "$tmp/check")"
  fi
  if [ "$rc" -eq 124 ]; then
    : # killed by this test: leftovers are expected, the next writer removes them
  elif no_leftovers; then pass "$name: the interrupted writer removed its segment files"; else
    fail "$name: $(($(seg_files) + 1)) files where the manifest names $(named)"
  fi
  if ! add_one; then
    fail "$name: the next writer failed"
  elif [ "$(docs)" != $((before + 1)) ]; then
    fail "$name: the next writer added 1 document to $before: $(docs)"
  elif ! no_leftovers || ! "$KZ" check --full -i "$IDX" >/dev/null 2>&1; then
    fail "$name: after the next writer: leftovers or damage"
  else
    pass "$name: the next writer proceeds and the index checks clean"
  fi
}

if ! "$KZ" index -i "$IDX" "$DATA" >/dev/null 2>"$ERR"; then
  fail "commit A"
  echo "$passed passed, $failed failed"
  exit 1
fi

for sig in INT TERM; do
  want=130
  [ "$sig" = TERM ] && want=143

  # stdin: blocked in read after some segments were written.
  before=$(docs)
  files=$(seg_files)
  rm -f "$tmp/fifo"
  mkfifo "$tmp/fifo"
  start_indexing "$tmp/fifo" --memory 256K -
  exec 3>"$tmp/fifo"
  cat "$tmp/fifo.jsonl" >&3
  if wait_for more_seg_files_than "$files"; then
    # Let it finish the input and block in read (the wait channel tells
    # where /proc shows it; otherwise a pause has to do).
    wait_for blocked_in_pipe_read "$pid" || sleep 1
    kill -s "$sig" "$pid"
    wait_exit "$pid" 20
    exec 3>&-
    after_interrupt "SIG$sig while reading stdin" "$rc" "$want" "$before"
  else
    exec 3>&-
    give_up "SIG$sig while reading stdin"
  fi

  # file: writing segments, stopped through the progress callback.
  before=$(docs)
  files=$(seg_files)
  start_indexing /dev/null --memory 1M "$tmp/big.jsonl"
  if wait_for more_seg_files_than $((files + 5)); then
    kill -s "$sig" "$pid"
    start=$(date +%s%N)
    wait_exit "$pid" 20
    ms=$((($(date +%s%N) - start) / 1000000))
    after_interrupt "SIG$sig while indexing a file" "$rc" "$want" "$before"
    echo "#    stopped $ms ms after SIG$sig"
  else
    give_up "SIG$sig while indexing a file"
  fi
done

# A second SIGINT right after the first: the process ends (gracefully, or by
# the default action the first one restored); nothing is damaged.
before=$(docs)
files=$(seg_files)
start_indexing /dev/null --memory 1M "$tmp/big.jsonl"
if wait_for more_seg_files_than "$files"; then
  kill -s INT "$pid"
  kill -s INT "$pid"
  wait_exit "$pid" 20
  if [ "$rc" -eq 130 ]; then pass "a second SIGINT: exit 130"; else fail "a second SIGINT: exit $rc"; fi
  if [ "$(docs)" = "$before" ] && "$KZ" check --full -i "$IDX" >/dev/null 2>&1; then
    pass "a second SIGINT: the previous commit is intact"
  else
    fail "a second SIGINT: $(docs) documents, $before before, or check fails"
  fi
  if add_one && no_leftovers; then
    pass "a second SIGINT: the next writer proceeds and removes the leftovers"
  else
    fail "a second SIGINT: the next writer"
  fi
else
  give_up "a second SIGINT"
fi

# A SIGINT ignored on entry stays ignored (a background job of a script
# without job control): the run goes on and commits.
before=$(docs)
files=$(seg_files)
(
  trap '' INT
  exec "$KZ" index -i "$IDX" --memory 256K "$tmp/fifo.jsonl"
) >/dev/null 2>"$ERR" &
pid=$!
if wait_for more_seg_files_than "$files"; then
  kill -s INT "$pid" 2>/dev/null
  wait_exit "$pid" 60
  if [ "$rc" -eq 0 ] && [ "$(docs)" = $((before + 600)) ]; then
    pass "an ignored SIGINT stays ignored"
  else
    fail "an ignored SIGINT: exit $rc, $(docs) documents after $before"
  fi
else
  give_up "an ignored SIGINT"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
