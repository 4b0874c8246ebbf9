#!/usr/bin/env bash
# Installs what the browser tests need (tests/integration/browser.sh):
# Debian's chromium, and puppeteer-core from npm into tests/browser (pinned
# by its package-lock.json; puppeteer-core downloads no browser). Without
# them the browser tests skip with a message. .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
for p in chromium nodejs npm; do
  command -v "$p" >/dev/null 2>&1 || { [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; } || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -d tests/browser/node_modules/puppeteer-core ]; then
  echo "installing puppeteer-core into tests/browser (npm ci)" >&2
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
