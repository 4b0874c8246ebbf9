#!/usr/bin/env bash
# Installs the Debian packages kzsearch needs to build and test, when missing.
# Runs apt-get only if something is missing; uses sudo when not root.
set -euo pipefail
packages=(gcc make cmake pkg-config python3 zstd
          libstemmer-dev libxxhash-dev libzstd-dev libutf8proc-dev libjson-c-dev
          libicu-dev  # ICU's transliterators: romanised name keys (analysis/name_key.c)
          wamerican   # /usr/share/dict/words: English spellings are not respelled (english_words.c)
          libmicrohttpd-dev
          unicode-data  # WordBreakTest.txt for tests/unit/test_wordbreak.c
          man-db groff-base zsh) # the man page and completion tests
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
