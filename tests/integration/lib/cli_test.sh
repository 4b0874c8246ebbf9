# cli_test.sh - what the CLI tests share; sourced, not run (ctest registers
# only tests/integration/*.sh). cli_test_setup NAME [NEED...] checks what the
# test needs (exit 77, skip, when KZ is not the kzsearch binary, or a NEED is
# missing: `sample` for the sample articles, any other word for a program on
# PATH), makes a scratch directory removed on exit, points HOME and
# XDG_DATA_HOME into it so the real default index is never touched, and sets:
#   DATA  data/kazakhstan/docs.jsonl     tmp   the scratch directory
#   IDX   $tmp/idx                       OUT, ERR  the last command's output
# pass/fail/check/same count results; kz runs kzsearch into $OUT and $ERR with its
# status in $rc; cli_test_summary prints the counts and gives the status.

cli_test_setup() {
  if [ -z "${KZ:-}" ] || [ ! -x "$KZ" ]; then
    echo "skip: KZ does not name the kzsearch binary" >&2
    exit 77
  fi
  DATA="${KZ_SOURCE_DIR:-.}/data/kazakhstan/docs.jsonl"
  local name=$1 need
  shift
  for need in "$@"; do
    if [ "$need" = sample ]; then
      [ -f "$DATA" ] || { echo "skip: $DATA not found" >&2; exit 77; }
    elif ! command -v "$need" >/dev/null 2>&1; then
      echo "skip: $need is needed" >&2
      exit 77
    fi
  done
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_$name.XXXXXX") || exit 1
  trap 'rm -rf "$tmp"' EXIT
  export HOME="$tmp/home"
  export XDG_DATA_HOME="$tmp/xdg"
  unset KZSEARCH_INDEX NO_COLOR
  IDX="$tmp/idx"
  OUT="$tmp/out"
  ERR="$tmp/err"
  rc=0
  passed=0
  failed=0
}

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1 (exit $rc)"
  if [ -s "$OUT" ]; then sed 's/^/       stdout: /' "$OUT" | head -5 | cut -c1-200; fi
  if [ -s "$ERR" ]; then sed 's/^/       stderr: /' "$ERR" | head -5 | cut -c1-200; fi
}
# check NAME COMMAND...: passes when the command succeeds.
check() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}
# same NAME ACTUAL WANTED: passes when the two strings are equal.
same() {
  if [ "$2" = "$3" ]; then pass "$1"; else
    failed=$((failed + 1))
    echo "FAIL - $1: got '$2', expected '$3'"
  fi
}
# expect NAME STATUS [GREP_PATTERN [FILE]]: the last command's status is
# STATUS and, when given, the pattern occurs in FILE (default $OUT).
expect() {
  local name=$1 want=$2 pattern=${3:-} file=${4:-$OUT}
  if [ "$rc" -eq "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$file"; }; then
    pass "$name"
  else
    fail "$name"
  fi
}
# kz ARGS...: runs kzsearch with stdout in $OUT, stderr in $ERR, status in $rc.
kz() {
  "$KZ" "$@" >"$OUT" 2>"$ERR"
  rc=$?
}
cli_test_summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
