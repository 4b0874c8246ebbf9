# Sourced by bench/ranking_options.sh and bench/ranking_cost.sh: the index of
# a test collection of ../shared/corpora as bench/effectiveness.sh makes it
# (the kzsearch-peer adapter), built once.
# rank_corpus_index CORPUS_DIR WORK_DIR PEER_BINARY: WORK_DIR/idx
rank_corpus_index() {
  mkdir -p "$2"
  if [ ! -f "$2/idx/MANIFEST" ]; then
    zstdcat -f "$1/docs.jsonl.zst" >"$2/docs.jsonl"
    "$3" index "$2/docs.jsonl" "$2/idx" >"$2/index.log"
  fi
}
