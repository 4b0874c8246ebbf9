#!/usr/bin/env bash
# crash_faults.sh - a commit survives a crash or an I/O error at every one of
# its file operations (docs/RELIABILITY.md).
#
# Each scenario is one kzsearch command that commits, run on a copy of a
# committed index:
#   append   index B (100 generated documents, two segments) into commit A
#            (data/kazakhstan/docs.jsonl)
#   rebuild  index --rebuild B over A
#   fresh    index B into an empty directory (before the commit there is no
#            index, which search and stats must report as such, exit 2)
#   replace  index B again over A+B (every document replaced by id)
#   threads  append with two indexing threads (when kzsearch has --threads)
#   delete   delete two documents of B and one of A
#   compact  merge A+B's segments into one
#   upgrade  kzsearch upgrade of the index of format v2 in tests/data
#            (v2-kazakhstan); afterwards the directory holds either that v2
#            index, which `kzsearch upgrade` must then convert (and clean up
#            after the failed one), or the new v3 index, never a broken one
# A first run under the fault shim (tests/fault/fault_shim.c, libkzfault.so)
# counts the command's file operations inside the index directory. Then the
# command runs again on a fresh copy for each operation N and each mode
# (crash, powerloss, eio, enospc, enospc-persist) with the fault injected at
# N, and the test asserts:
#   - the fault fired (or the run, doing fewer operations than the count
#     run, ended normally before N); a crash exits 99 (the shim's _exit); an
#     error exits 2 with a message naming the cause ("Input/output error",
#     "No space left on device"), except an error in the informative pid
#     write into LOCK, which the engine may ignore (exit 0, committed), or
#     an error after a commit was in place (see below), which may exit 0;
#   - the index opens and searches (exit 0 or 1, never 2 or a crash);
#   - `kzsearch check --full` exits 0;
#   - the document count is the old or the new one: the old one after an
#     error, unless a rename in the directory had already succeeded (the
#     MANIFEST rename; the error hit the directory fsync after it, or the
#     merge that follows a commit), and then the message must not say that
#     nothing was committed; either one after a crash;
#   - after an error the writer left nothing behind (no MANIFEST.tmp, no
#     file the manifest does not name), unless the error hit the directory
#     fsync after a rename: then the files of the commit before are kept on
#     purpose (a crash could bring that commit back);
#   - the next `kzsearch index` succeeds, removes every leftover, and the
#     index then checks clean with one more document.
# The setup also asserts that each scenario writing a segment writes its
# optional tables (.simh, .alias, .names, .pairs), so the operations enumerated,
# and faulted, include theirs.
#
# The regular run tries every N with all five modes for append (plus the
# first, middle and last operation of each kind: write, fsync, rename,
# create) and delete, and every third N plus the last eight (the commit)
# with crash and eio for the others. KZ_LONG=1 uses a bigger B (400
# documents, about eight segments) and every N with every mode everywhere.
# Cases run in KZ_JOBS parallel workers (default: the number of CPUs). The
# index lives on /dev/shm when it can (fsync is free there; what a power cut
# would lose is simulated by the shim's powerloss mode, not by the disk).
# Prints one block per failed case, each problem marked [integrity] (the
# index or its count is wrong), [cleanup] (a failed writer left files for
# the next writer to remove) or [message] (the error message does not name
# the cause), then "N passed, N failed".
#
# Run by ctest with KZ = the kzsearch binary, KZ_SHIM = libkzfault.so,
# KZ_SOURCE_DIR = the repo root. Exit 77 (skip) under a sanitizer build
# (KZ_SANITIZED=1: ASan must be first in LD_PRELOAD), off Linux, or when the
# binary, the shim or the data is missing.

set -u

skip() {
  echo "skip: $*" >&2
  exit 77
}
if [ "${KZ_SANITIZED:-0}" != 0 ]; then
  skip "sanitizer build: the LD_PRELOAD fault shim cannot run under ASan (which must come first in the preload list)"
fi
[ "$(uname -s)" = Linux ] || skip "the fault shim needs Linux"
if [ -z "${KZ:-}" ] || [ ! -x "$KZ" ]; then skip "KZ does not name the kzsearch binary"; fi
if [ -z "${KZ_SHIM:-}" ] || [ ! -f "$KZ_SHIM" ]; then
  skip "KZ_SHIM does not name libkzfault.so (built on Linux/glibc without KZ_SANITIZE)"
fi
DATA="${KZ_SOURCE_DIR:-.}/data/kazakhstan/docs.jsonl"
GEN="${KZ_SOURCE_DIR:-.}/tests/fault/gen_corpus.awk"
V2="${KZ_SOURCE_DIR:-.}/tests/data/v2-kazakhstan"
[ -f "$DATA" ] || skip "$DATA not found"
[ -f "$V2/MANIFEST" ] || skip "$V2 not found"
[ -f "$GEN" ] || skip "$GEN not found"

root=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ -w /dev/shm ]; then root=/dev/shm; fi
tmp=$(mktemp -d "$root/kz_crash_faults.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/xdg"
unset KZSEARCH_INDEX LD_PRELOAD
OUT="$tmp/out"
ERR="$tmp/err"
CF="$tmp/count"
W="$tmp/work"

long=0
[ "${KZ_LONG:-0}" != 0 ] && long=1
b_docs=100
[ "$long" = 1 ] && b_docs=400
jobs=${KZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
awk -v n="$b_docs" -v seed=11 -v prefix=b -f "$GEN" >"$tmp/b.jsonl"
awk -v n=1 -v seed=12 -v prefix=extra -f "$GEN" >"$tmp/extra.jsonl"
ALL_MODES="crash powerloss eio enospc enospc-persist"

declare -A cmd_of=() old_of=() new_of=() v2_of=()

# stats_of DIR: sets count (documents, or "none" without an index).
stats_of() {
  if "$KZ" stats -i "$1" --json >"$T/stats" 2>"$T/stats.err"; then
    count=$(sed -n 's/.*"documents":\([0-9]*\).*/\1/p' "$T/stats")
  else
    count=none
  fi
}
# check_of DIR: runs check --full --json; sets checked (its exit status) and
# named (the files the manifest names, MANIFEST included; 0 without one).
check_of() {
  "$KZ" check --full --json -i "$1" >"$T/check" 2>&1
  checked=$?
  named=$(sed -n 's/.*"type":"summary".*"files":\([0-9]*\).*/\1/p' "$T/check")
  [ -e "$1/MANIFEST" ] || named=0
}
# leftovers DIR: prints what is in DIR that the manifest does not name (after check_of).
leftovers() {
  local files
  [ -e "$1/MANIFEST.tmp" ] && echo "MANIFEST.tmp remains"
  files=$(find "$1" -maxdepth 1 -name 'seg-*' | wc -l)
  [ -e "$1/MANIFEST" ] && files=$((files + 1))
  [ "$files" -eq "${named:-0}" ] || echo "$files files where the manifest names ${named:-?}"
}
problem_of_check() { head -1 "$T/check" | sed 's/^{"type":"problem",//'; }

# run_case SCENARIO OP N MODE: one faulted run of the scenario's command and
# every assertion. Uses the worker's directory $T; appends "PASS MODE" or a
# "FAIL MODE" block to $T/results.
run_case() {
  local scenario=$1 op=$2 n=$3 mode=$4 problems=() injected rc left
  local W="$T/work" old_docs=${old_of[$1]} new_docs=${new_of[$1]}
  local -a cmd
  read -ra cmd <<<"${cmd_of[$1]}"
  rm -rf "$W" "$T/count"
  cp -R "$tmp/base-$scenario" "$W"
  $guard env LD_PRELOAD="$KZ_SHIM" KZ_FAULT_DIR="$W" KZ_FAULT_OP="$op" KZ_FAULT_N="$n" \
    KZ_FAULT_MODE="$mode" KZ_FAULT_COUNT_FILE="$T/count" \
    "$KZ" "${cmd[0]}" -i "$W" "${cmd[@]:1}" >/dev/null 2>"$T/err"
  rc=$?
  injected=$(sed -n 2p "$T/count" 2>/dev/null)
  if [ -z "$injected" ]; then
    # This run did fewer operations than the count run (the engine's choices,
    # such as when to flush or merge, may vary): N lies past its end, so it
    # was a normal run, and must have succeeded.
    local ran
    ran=$(head -1 "$T/count" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$op=\([0-9]*\)$/\1/p")
    if [ -n "$ran" ] && [ "$ran" -lt "$n" ] && [ "$rc" -eq 0 ]; then
      echo "SHORT $mode" >>"$T/results"
      return
    fi
    problems+=("[integrity] no fault was injected (exit $rc, ${ran:-no} $op operations)")
  fi

  # What the failed run may leave: the old count, or the new one once a
  # rename in the directory (a commit) had succeeded before the fault.
  local may_be_new=0 ignorable=0 renames dir_sync=0
  renames=$(echo "$injected" | sed -n 's/.* renames=\([0-9]*\) .*/\1/p')
  [ "${renames:-0}" -gt 0 ] && may_be_new=1
  case "$injected" in
    *" pwrite "*/LOCK) [ "$mode" = eio ] || [ "$mode" = enospc ] && ignorable=1 ;;
    # The directory fsync after a rename failed: the writer keeps the files
    # of the commit before, which a crash could bring back.
    *" fsync renames="*" $(realpath "$W")" | *" fdatasync renames="*" $(realpath "$W")") dir_sync=1 ;;
  esac
  case $mode in
    crash | powerloss)
      may_be_new=1
      [ "$rc" -eq 99 ] || problems+=("[integrity] exit $rc instead of the simulated crash (99)")
      ;;
    *)
      if [ "$ignorable" = 1 ] && [ "$rc" -eq 0 ]; then
        may_be_new=1
      elif [ "$rc" -ne 2 ] && { [ "$may_be_new" = 0 ] || [ "$rc" -ne 0 ]; }; then
        problems+=("[integrity] exit $rc after an injected error (expected 2)")
      elif [ "$rc" -eq 2 ]; then
        local cause="Input/output error"
        [ "$mode" = eio ] || cause="No space left on device"
        grep -q "^kzsearch: .*$cause" "$T/err" || problems+=("[message] no message naming the cause ($cause)")
      fi
      ;;
  esac

  # An upgrade may leave the old index of format v2 (which no command but
  # upgrade opens): upgrading it again must succeed, with every document.
  stats_of "$W"
  local was_v2=0
  if [ "${v2_of[$scenario]:-0}" = 1 ] && [ "$count" = none ]; then
    if ! grep -q "has format v2" "$T/stats.err"; then
      problems+=("[integrity] neither the old v2 index nor a new one: $(head -1 "$T/stats.err")")
    elif ! "$KZ" upgrade -i "$W" >/dev/null 2>"$T/again.err"; then
      problems+=("[integrity] the old v2 index does not upgrade again: $(head -1 "$T/again.err")")
    else
      was_v2=1
      stats_of "$W"
      [ "$count" = "$new_docs" ] ||
        problems+=("[integrity] $count documents after upgrading the old index again (expected $new_docs)")
    fi
  fi
  # The index opens and searches; check --full is clean; the count is old or new.
  "$KZ" search -i "$W" -c kazakhstan >/dev/null 2>"$T/search.err"
  rc=$?
  if [ "$count" = none ]; then
    [ "$old_docs" = none ] ||
      problems+=("[integrity] the index no longer opens: $(head -1 "$T/stats.err")")
    { [ "$rc" -eq 2 ] && grep -q "no index" "$T/search.err"; } ||
      problems+=("[integrity] search without an index: exit $rc, not 'no index'")
  else
    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] ||
      problems+=("[integrity] search exits $rc: $(head -1 "$T/search.err")")
    check_of "$W"
    [ "$checked" -eq 0 ] || problems+=("[integrity] check --full exits $checked: $(problem_of_check)")
    # After "committed, but cannot sync" the writer keeps the files of the old
    # commit on purpose (a crash could still bring it back); the next writer
    # removes them, which the step below checks.
    if [ "$mode" != crash ] && [ "$mode" != powerloss ] && [ "$dir_sync" = 0 ] &&
      ! grep -q "committed, but cannot sync" "$T/err" 2>/dev/null; then
      left=$(leftovers "$W")
      [ -z "$left" ] || problems+=("[cleanup] the failed writer left files behind: $left")
    fi
  fi
  if [ "$was_v2" = 1 ]; then
    : # the old index, upgraded again: its count was checked above
  elif [ "$count" != "$old_docs" ] && { [ "$may_be_new" = 0 ] || [ "$count" != "$new_docs" ]; }; then
    problems+=("[integrity] $count documents (before: $old_docs, after a commit: $new_docs)")
  elif [ "$count" != "$old_docs" ] && grep -q "nothing was committed" "$T/err"; then
    problems+=("[message] says nothing was committed, but the index has the new commit")
  fi

  # The next writer proceeds and removes the leftovers.
  local before=$count
  [ "$before" = none ] && before=0
  if ! "$KZ" index -i "$W" "$tmp/extra.jsonl" >/dev/null 2>"$T/next.err"; then
    problems+=("[integrity] the next writer failed: $(head -1 "$T/next.err")")
  else
    stats_of "$W"
    [ "$count" = $((before + 1)) ] ||
      problems+=("[integrity] $count documents after the next writer added 1 to $before")
    check_of "$W"
    [ "$checked" -eq 0 ] ||
      problems+=("[integrity] check --full after the next writer exits $checked: $(problem_of_check)")
    left=$(leftovers "$W")
    [ -z "$left" ] || problems+=("[integrity] after the next writer: $left")
  fi

  if [ ${#problems[@]} -eq 0 ]; then
    echo "PASS $mode" >>"$T/results"
  else
    {
      echo "FAIL $mode - $scenario op=$op n=$n mode=$mode (${injected:-nothing injected})"
      local p
      for p in "${problems[@]}"; do echo "       $p"; done
      sed 's/^/       stderr: /' "$T/err" | head -3
    } >>"$T/results"
  fi
}

# prepare NAME BASE MODES STRIDE COMMAND...: builds base-NAME (BASE: "a" =
# commit A, "ab" = A then B, "none" = an empty directory, "v2" = a copy of
# the index of format v2), runs COMMAND
# (kzsearch arguments, -i DIR goes after the first) once under the shim to
# count its operations, and appends NAME's cases to $tmp/cases, each with
# every one of MODES: every STRIDE-th operation and the last eight (the
# commit), and with STRIDE 1 also the first, middle and last operation of
# each kind.
prepare() {
  local name=$1 base=$2 modes=$3 stride=$4 T="$tmp/prep"
  shift 4
  cmd_of[$name]="$*"
  mkdir -p "$T" "$tmp/base-$name"
  if [ "$base" = v2 ]; then
    v2_of[$name]=1
    cp -R "$V2/." "$tmp/base-$name/"
  elif [ "$base" != none ] && ! "$KZ" index -i "$tmp/base-$name" "$DATA" >/dev/null 2>"$T/err"; then
    echo "FAIL - $name: cannot build commit A: $(head -1 "$T/err")"
    setup_failed=$((setup_failed + 1))
    return
  fi
  if [ "$base" = ab ] && ! "$KZ" index -i "$tmp/base-$name" --memory 256K "$tmp/b.jsonl" >/dev/null 2>"$T/err"; then
    echo "FAIL - $name: cannot build commit B: $(head -1 "$T/err")"
    setup_failed=$((setup_failed + 1))
    return
  fi
  stats_of "$tmp/base-$name"
  old_of[$name]=$count
  # The count run: no fault, every operation counted.
  rm -rf "$T/work"
  cp -R "$tmp/base-$name" "$T/work"
  if ! LD_PRELOAD="$KZ_SHIM" KZ_FAULT_DIR="$T/work" KZ_FAULT_COUNT_FILE="$T/count" \
    "$KZ" "$1" -i "$T/work" "${@:2}" >/dev/null 2>"$T/err"; then
    echo "FAIL - $name: the run without a fault failed: $(head -1 "$T/err")"
    setup_failed=$((setup_failed + 1))
    return
  fi
  stats_of "$T/work"
  new_of[$name]=$count
  # Every scenario that writes a segment writes the optional tables too
  # (simhash column, alias and names tables, the pairs list of an English
  # index), so its faults land in them.
  local kind wrote
  wrote=$(cd "$T/work" && ls seg-* 2>/dev/null | sort)
  wrote=$(cd "$tmp/base-$name" && ls seg-* 2>/dev/null | sort | comm -13 - <(echo "$wrote"))
  if echo "$wrote" | grep -q '\.dict$'; then
    for kind in simh alias names pairs; do
      echo "$wrote" | grep -q "\.$kind\$" && continue
      echo "FAIL - $name: writes a segment without its .$kind file"
      setup_failed=$((setup_failed + 1))
    done
  fi
  local counts total n mode op k
  counts=$(head -1 "$T/count" 2>/dev/null)
  total=$(echo "$counts" | sed -n 's/^any=\([0-9]*\).*/\1/p')
  if [ -z "$total" ] || [ "$total" -eq 0 ]; then
    echo "FAIL - $name: the shim counted no operation (is it loaded?)"
    setup_failed=$((setup_failed + 1))
    return
  fi
  echo "# $name ($*): ${old_of[$name]} documents before, ${new_of[$name]} after; $counts"
  for ((n = 1; n <= total; n++)); do
    [ $(((n - 1) % stride)) -eq 0 ] || [ "$n" -gt $((total - 8)) ] || continue
    for mode in $modes; do echo "$name any $n $mode"; done
  done >>"$tmp/cases"
  [ "$stride" -eq 1 ] || return 0
  for op in write fsync rename create; do
    k=$(echo "$counts" | sed -n "s/.* $op=\([0-9]*\).*/\1/p")
    [ "${k:-0}" -gt 0 ] || continue
    for n in $(printf '%s\n' 1 $(((k + 1) / 2)) "$k" | sort -un); do
      for mode in $modes; do echo "$name $op $n $mode"; done
    done
  done >>"$tmp/cases"
}

start=$(date +%s)
setup_failed=0
: >"$tmp/cases"
# A run that hangs (a deadlock after an error) is killed and reported.
guard=""
command -v timeout >/dev/null 2>&1 && guard="timeout -s KILL 120"
few="crash eio"
stride=3
if [ "$long" = 1 ]; then few=$ALL_MODES stride=1; fi
prepare append a "$ALL_MODES" 1 index --threads 1 --memory 256K "$tmp/b.jsonl"
prepare rebuild a "$few" "$stride" index --threads 1 --memory 256K --rebuild "$tmp/b.jsonl"
prepare fresh none "$few" "$stride" index --threads 1 --memory 256K "$tmp/b.jsonl"
prepare replace ab "$few" "$stride" index --threads 1 --memory 256K "$tmp/b.jsonl"
# Several indexing threads: the order of their file operations, and so
# which one is the Nth, varies from run to run; every assertion still holds.
if "$KZ" index --help 2>/dev/null | grep -q -- "--threads"; then
  prepare threads a "$few" "$stride" index --threads 2 --memory 256K "$tmp/b.jsonl"
fi
if "$KZ" delete --help >/dev/null 2>&1; then
  prepare delete ab "$ALL_MODES" 1 delete b-1 b-2 seed-000
fi
if "$KZ" compact --help >/dev/null 2>&1; then
  prepare compact ab "$few" "$stride" compact
fi
if "$KZ" upgrade --help >/dev/null 2>&1; then
  prepare upgrade v2 "$ALL_MODES" 1 upgrade
fi

# KZ_FAULT_ONLY=REGEX keeps only the cases whose line ("SCENARIO OP N MODE") matches.
if [ -n "${KZ_FAULT_ONLY:-}" ]; then
  grep -E -- "$KZ_FAULT_ONLY" "$tmp/cases" >"$tmp/cases.only"
  mv "$tmp/cases.only" "$tmp/cases"
fi

# Worker w takes every jobs-th case.
worker() {
  local T="$tmp/worker-$1" i=0 scenario op n mode
  mkdir -p "$T"
  : >"$T/results"
  while read -r scenario op n mode; do
    if [ $((i % jobs)) -eq "$1" ]; then run_case "$scenario" "$op" "$n" "$mode"; fi
    i=$((i + 1))
  done <"$tmp/cases"
}
pids=()
for ((w = 0; w < jobs; w++)); do
  worker "$w" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

cat "$tmp"/worker-*/results >"$tmp/all"
grep -v '^PASS\|^SHORT' "$tmp/all" | sed 's/^FAIL [^ ]* /FAIL /'
passed=$(grep -c '^PASS\|^SHORT' "$tmp/all")
short=$(grep -c '^SHORT' "$tmp/all")
failed=$(($(grep -c '^FAIL' "$tmp/all") + setup_failed))
summary=""
for mode in $ALL_MODES; do
  summary="$summary $mode=$(grep -c "^[A-Z]* $mode\( \|$\)" "$tmp/all")"
done
[ "$short" -eq 0 ] || summary="$summary ($short past the end of a shorter run, counted as passed)"
echo "# cases per mode:$summary; problems: $(grep -c '\[integrity\]' "$tmp/all") integrity, $(grep -c '\[cleanup\]' "$tmp/all") cleanup, $(grep -c '\[message\]' "$tmp/all") message; $jobs workers, $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
