/*
 * commands.c - the subcommand table (see commands.h): one help text per
 * command, each written right above the table, and the table itself.
 *
 * Each help text follows the same plan, so that they read alike: what the
 * command does, "Options:" (every option the command's parser accepts,
 * aliases included), "Examples:" and "Exit status:". Things every command
 * shares (where the index lives, the query syntax) are in the overview of
 * `kzsearch --help` (main.c) and in kzsearch(1), and are only pointed to here.
 */
#include "commands.h"

#include <string.h>

#include "cmd_acronyms.h"
#include "cmd_aliases.h"
#include "cmd_check.h"
#include "cmd_compact.h"
#include "cmd_delete.h"
#include "cmd_duplicates.h"
#include "cmd_eval.h"
#include "cmd_index.h"
#include "cmd_search.h"
#include "cmd_serve.h"
#include "cmd_show.h"
#include "cmd_stats.h"
#include "cmd_upgrade.h"

/* ---------------------------------------------------------------- index */

static const char index_usage[] =
    "Usage: kzsearch index [-i DIR] [--rebuild] [--lang LANG] [--memory SIZE]\n"
    "                      [--threads N] [--max-doc-size SIZE] PATH...\n";

static const char index_help[] =
    "\n"
    "Add the documents found at each PATH to the index and commit them at once.\n"
    "PATH is a JSON Lines file (.jsonl, or .jsonl.zst compressed with zstd; one\n"
    "{\"id\", \"title\", \"body\", \"date\", \"url\"} object per line), a directory\n"
    "(walked recursively for .txt articles, whose first line is the title, and\n"
    "for .jsonl files), or - for JSON Lines on standard input. Malformed records\n"
    "are reported as FILE:LINE and skipped. A document whose id is already in the\n"
    "index replaces it. If a PATH cannot be read, or the run is interrupted,\n"
    "nothing is committed and the index stays as it was. The index directory is\n"
    "created when missing.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --rebuild          replace the whole index by the given documents (the\n"
    "                         old index stays searchable until the commit)\n"
    "      --lang, --language LANG\n"
    "                         Snowball stemming language of a new index\n"
    "                         (default english)\n"
    "      --memory SIZE      memory to fill before a segment is written, in bytes\n"
    "                         or with a K, M or G suffix (default 256M), shared by\n"
    "                         all indexing threads\n"
    "      --threads N        indexing threads, 1 to 64 (default: the number of\n"
    "                         cores)\n"
    "      --max-doc-size SIZE  skip and report larger documents (default 64M)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch index news.jsonl                  add to the default index\n"
    "  kzsearch index -i ~/idx --rebuild articles/   rebuild ~/idx from a directory\n"
    "  zstdcat dump.jsonl.zst | kzsearch index -\n"
    "\n"
    "Exit status:\n"
    "  0  every document was indexed\n"
    "  1  some records were skipped (the others were committed)\n"
    "  2  an error: nothing was committed\n"
    "  130, 143  interrupted by SIGINT or SIGTERM: nothing was committed\n";

/* ---------------------------------------------------------------- search */

static const char search_usage[] =
    "Usage: kzsearch [search] [-i DIR] [-k N] [--offset N] [--and] [--since DATE]\n"
    "                [--until DATE] [--sort ORDER] [--facet date:UNIT] [--exact]\n"
    "                [--no-expand] [--title-weight W] [--rm3] [--proximity]\n"
    "                [--recency SCALE] [--json] [--count] [--explain] [--color WHEN]\n"
    "                [--max-expansions N] [--no-suggest] [--] QUERY...\n";

static const char search_help[] =
    "\n"
    "Search the index and print the best hits, ranked by BM25. This is the\n"
    "default command: 'kzsearch CSTO peacekeeping' searches. Several QUERY\n"
    "arguments are joined by spaces. Use 'kzsearch search index' to search for a\n"
    "word that is also a command name. The query syntax is in 'kzsearch --help'.\n"
    "\n"
    "Each hit shows rank, score, id and date, then the title and a snippet with\n"
    "the matching words in bold. \"N matches, showing A-B (T ms)\" follows on\n"
    "stderr, so that a pipe sees only the hits.\n"
    "\n"
    "A name also matches its other spellings found in the index (Mangistau\n"
    "finds Mangystau, Tokaev finds Tokayev and Токаев); \"also matched:\n"
    "mangystau\" on stderr names them. --exact turns that off.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "  -k, --limit N          how many hits to show (default 10)\n"
    "      --offset N         skip the first N hits, for paging (default 0)\n"
    "      --and              every bare word is required (default: any word)\n"
    "      --since DATE       only documents dated from the start of DATE on\n"
    "                         (2022-01-06, 2022-01, 2022, or any date: form; UTC)\n"
    "      --until DATE       only documents dated up to the end of DATE\n"
    "      --sort ORDER       score (the default), date (newest first) or date:asc;\n"
    "                         undated documents last, equal dates by score\n"
    "      --facet date:UNIT  also count the matches per date:day, date:month or\n"
    "                         date:year (all matches, not only those shown)\n"
    "      --max-expansions N the most terms a fuzzy word (tokaev~1) expands to:\n"
    "                         its N most frequent (default 50; prefixes: all)\n"
    "      --no-suggest       no \"did you mean: ...\" line on stderr when the\n"
    "                         query matched little (fewer than 5 documents)\n"
    "\n"
    "Ranking options (README, \"Ranking options\"; all off by default, each\n"
    "measured there; with any of them every match is scored, so a search costs more):\n"
    "      --title-weight W   BM25F: a title occurrence counts W times more than\n"
    "                         the same word in the body (W from 0 to 1000)\n"
    "      --rm3              RM3 pseudo-relevance feedback: add the best terms of\n"
    "                         the top documents to the query and search again\n"
    "      --rm3-docs N       feedback documents (default 10)\n"
    "      --rm3-terms N      feedback terms (default 10)\n"
    "      --rm3-weight X     the original query's weight, 0 to 1 (default 0.5)\n"
    "      --proximity        BM25TP: a bonus for query words near each other\n"
    "      --recency SCALE    newer first: the score halves every SCALE of age\n"
    "                         (30d, 12h, 2w, 1y; a bare number is days); an\n"
    "                         undated document counts as SCALE old\n"
    "      --recency-decay D  exp (the default: halves per SCALE) or gauss\n"
    "                         (flat at first, steeper after SCALE)\n"
    "      --now DATE         the age's reference (default: the newest document)\n"
    "      --exact            names match only the spelling typed, not the other\n"
    "                         spellings of them in the index\n"
    "      --no-expand        search only what was typed. By default a word typed\n"
    "                         exactly as an acronym the indexed text defines, with\n"
    "                         2+ capitals (CSTO), also matches its long form as a\n"
    "                         phrase, and a quoted long form its acronym, at half\n"
    "                         the score; \"also searched: ...\" on stderr says so\n"
    "                         (see 'kzsearch aliases')\n"
    "      --no-collapse      show syndicated copies as hits of their own; by\n"
    "                         default near-duplicates fold into the best ranked\n"
    "                         one, shown with \"+N similar: id, id\" (the match\n"
    "                         count still counts every copy)\n"
    "  -c, --count            print only the exact number of matches\n"
    "      --explain          print the query as planned (analysed terms with\n"
    "                         their document frequency, +required, -excluded,\n"
    "                         date filters, words dropped by analysis, acronyms,\n"
    "                         long forms and name spellings added with their\n"
    "                         documents, or that --no-expand/--exact are on),\n"
    "                         and under each hit its score as a sum of BM25\n"
    "                         parts with their factors: idf (N, df), tf or\n"
    "                         phrase freq, dl, avgdl, k1, b; not with --count\n"
    "      --json             print one JSON object per line (see below)\n"
    "      --color WHEN       bold the matches: auto (on a terminal, unless\n"
    "                         NO_COLOR is set and not empty; the default), always\n"
    "                         (also into a pipe, e.g. for 'less -R') or never\n"
    "  --                     end of options: later arguments are query text even\n"
    "                         when they start with '-' (kzsearch -- -foo bar).\n"
    "                         Before --, an argument starting with '-' must be a\n"
    "                         known option; or quote the query: \"peace -russia\"\n"
    "  -h, --help             show this help\n"
    "\n"
    "JSON output (--json), one object per line:\n"
    "  {\"type\":\"hit\",\"rank\":1,\"id\":\"..\",\"score\":12.3,\"title\":\"..\",\n"
    "   \"title_highlights\":[[start,end],..],\"date\":\"2022-01-06\" or null,\n"
    "   \"url\":\"..\" or null,\"snippet\":\"..\",\"highlights\":[[start,end],..],\n"
    "   \"similar\":[\"id\",..]}  (ids of the near-duplicates folded into the hit)\n"
    "  (highlights: UTF-8 byte offsets of the matched words and phrases in the\n"
    "  title and the snippet; invalid UTF-8 becomes U+FFFD), then\n"
    "  {\"type\":\"expansions\",\"expansions\":[{\"from\":..,\"to\":..,\"docs\":N}]} when\n"
    "  acronyms were expanded, then\n"
    "  {\"type\":\"summary\",\"total\":N,\"elapsed_us\":N,\"also_matched\":[\"..\",..]}, with\n"
    "  \"suggestion\":\"..\" when there is a \"did you mean\". With --count, only the\n"
    "  summary. --explain adds \"explanation\":{\"kind\":..,\"value\":X,\"description\":..,\n"
    "  \"children\":[..]} to each hit and \"query\":{..} (the same form) to the summary.\n"
    "\n"
    "Examples:\n"
    "  kzsearch oil prices                 any of the words, best first\n"
    "  kzsearch '\"crude oil\" +OPEC -Iran'  a phrase, a required and an excluded word\n"
    "  kzsearch '\"troops almaty\"~5'     the two words within slop 5 (any order)\n"
    "  kzsearch 'oil NEAR/3 prices'       within 3 positions of each other\n"
    "  kzsearch --color=always -k 50 oil | less -R\n"
    "  kzsearch --count --and oil prices\n"
    "  kzsearch 'peace*' 'Tokaev~1'          a prefix and a fuzzy word\n"
    "  kzsearch --explain -k 3 'oil title:opec'   why these three rank first\n"
    "  kzsearch --recency 7d --title-weight 2 oil prices\n"
    "\n"
    "Exit status:\n"
    "  0  something matched\n"
    "  1  nothing matched\n"
    "  2  an error: bad usage, malformed query, no index, ...\n";

/* ---------------------------------------------------------------- stats */

static const char stats_usage[] = "Usage: kzsearch stats [-i DIR] [--json]\n";

static const char stats_help[] =
    "\n"
    "Show the size and contents of the index: documents (and deleted ones not yet\n"
    "merged away), segments, terms, postings, positions, the stemming language,\n"
    "and the bytes taken by each part.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --json             print one JSON object\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch stats\n"
    "  kzsearch stats -i ~/idx --json\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  2  an error: bad usage, no index, ...\n";

/* ---------------------------------------------------------------- check */

static const char check_usage[] = "Usage: kzsearch check [-i DIR] [--full] [--json]\n";

static const char check_help[] =
    "\n"
    "Verify the index without trusting it and list any damage, one\n"
    "'DIR/FILE: problem' line each, then \"ok: ...\" or \"damaged: N problems in M\n"
    "files\". The quick check reads the manifest (with its checksum) and every\n"
    "file's size, header and footer.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --full             also verify every file's checksum and every term,\n"
    "                         posting, position and stored document (slower)\n"
    "      --json             print {\"type\":\"problem\",\"file\":..,\"problem\":..} per\n"
    "                         problem, then {\"type\":\"summary\",\"files\":N,\n"
    "                         \"problems\":N,..}\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch check\n"
    "  kzsearch check --full -i ~/idx\n"
    "\n"
    "Exit status:\n"
    "  0  no damage found\n"
    "  1  damage found\n"
    "  2  the check could not run: bad usage, no index, ...\n";

/* ---------------------------------------------------------------- delete */

static const char delete_usage[] = "Usage: kzsearch delete [-i DIR] [--from FILE] ID...\n";

static const char delete_help[] =
    "\n"
    "Delete the documents with the given ids in one commit. Ids not in the index\n"
    "are reported, not treated as errors. Deleted documents disappear from\n"
    "results at once; their space is reclaimed by later merges or 'compact'.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --from FILE        also delete the ids listed in FILE, one per line\n"
    "                         (- for standard input; blank lines are skipped)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch delete reuters-42 reuters-43\n"
    "  cut -f1 stale.tsv | kzsearch delete --from -\n"
    "\n"
    "Exit status:\n"
    "  0  the deletion was committed (missing ids included)\n"
    "  2  an error: nothing was deleted\n";

/* ---------------------------------------------------------------- compact */

static const char compact_usage[] = "Usage: kzsearch compact [-i DIR]\n";

static const char compact_help[] =
    "\n"
    "Merge every segment into one, leaving out deleted and replaced documents.\n"
    "Results stay the same, except that scores stop counting the deleted\n"
    "documents. (Segments are also merged automatically after each commit, ten\n"
    "of similar size at a time.)\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch compact -i ~/idx\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  2  an error: the index stays as it was\n";

/* ---------------------------------------------------------------- show */

static const char show_usage[] = "Usage: kzsearch show [-i DIR] [--json] [--] ID\n";

static const char show_help[] =
    "\n"
    "Print the stored article with this id, whole: its id, title, date and url\n"
    "lines (absent ones left out), a blank line, then the body. A replaced\n"
    "document shows its newest version; a deleted one is not found.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --json             print one object: {\"type\":\"document\",\"id\":..,\n"
    "                         \"title\":..,\"date\":..,\"url\":..,\"body\":..}\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch show seed-001\n"
    "  kzsearch show --json -- -odd-id-\n"
    "\n"
    "Exit status:\n"
    "  0  the document was shown\n"
    "  1  no document has this id\n"
    "  2  an error\n";

/* ---------------------------------------------------------------- serve */

static const char serve_usage[] =
    "Usage: kzsearch serve [-i DIR] [--listen HOST:PORT] [--threads N]\n"
    "                      [--api-key-file FILE] [--cors-origin ORIGIN]\n"
    "                      [--max-connections N] [--request-timeout S] [--quiet]\n";

static const char serve_help[] =
    "\n"
    "Serve the index over HTTP: a JSON API and a search page at '/'. Commits made\n"
    "while it runs (by 'kzsearch index', 'delete', 'compact' or the API) are seen\n"
    "by the next request, without a restart. SIGINT or SIGTERM stops it after the\n"
    "requests in flight. Endpoints (README.md, 'Using it over HTTP'):\n"
    "  GET  /api/search?q=QUERY&k=&offset=&and=&count=   (also POST, JSON body)\n"
    "  GET  /api/documents/ID        POST /api/documents (NDJSON)\n"
    "  DELETE /api/documents/ID      GET /api/stats      GET /api/health\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --listen HOST:PORT the address to listen on (default 127.0.0.1:7700;\n"
    "                         [::1]:7700 for IPv6; port 0 picks a free one)\n"
    "      --threads N        worker threads, 1 to 256 (default: the cores)\n"
    "      --api-key-file FILE  allow writes with 'Authorization: Bearer KEY', KEY\n"
    "                         being the file's first line (else writes answer 403)\n"
    "      --cors-origin ORIGIN  allow this one origin to call the API from a page\n"
    "      --max-connections N  refuse connections past N (default 512)\n"
    "      --request-timeout SECONDS  close a connection whose request has not\n"
    "                         arrived whole in time (default 10)\n"
    "  -q, --quiet            no line per request on stderr\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch serve                              http://127.0.0.1:7700/\n"
    "  kzsearch serve -i ~/idx --listen 0.0.0.0:8080 --api-key-file ~/.kzkey\n"
    "  curl 'http://127.0.0.1:7700/api/search?q=oil+prices&k=5'\n"
    "\n"
    "Exit status:\n"
    "  0  stopped by SIGINT or SIGTERM\n"
    "  2  an error: bad options, the address cannot be used, the key file\n";

/* ---------------------------------------------------------------- upgrade */

static const char upgrade_usage[] = "Usage: kzsearch upgrade [-i DIR]\n";

static const char upgrade_help[] =
    "\n"
    "Rebuild an index written by an older kzsearch (format v1 or v2) as the\n"
    "current format (v3), from its own stored documents, in one commit. Until\n"
    "that commit the old index stays as it was, and a crash at any step leaves\n"
    "either the old index or the new one. An English index of the current\n"
    "format written before pairs of common words (which make phrases such as\n"
    "\"of the\" fast) is rebuilt the same way; any other index of the current\n"
    "format is left alone.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch upgrade -i ~/idx\n"
    "\n"
    "Exit status:\n"
    "  0  upgraded, or already of the current format\n"
    "  2  an error: the index stays as it was\n";
/* ---------------------------------------------------------------- eval */

static const char eval_usage[] =
    "Usage: kzsearch eval [-i DIR] --queries FILE --qrels FILE [-k N] [--json]\n"
    "                     [--per-query] [--compare OPTIONS] [--run FILE]\n";

static const char eval_help[] =
    "\n"
    "Measure ranking quality on judged queries: run every query of the query file\n"
    "that has a relevant judgment and print MAP (to rank 1000), nDCG@10 (graded\n"
    "gains 2^rel-1), P@10, R@100 and R@1000, averaged over those queries, as\n"
    "trec_eval computes them (hits tied in score are taken in the order kzsearch\n"
    "returns them). A judged query missing from the query file scores 0.\n"
    "\n"
    "The query file is JSON Lines, one {\"id\": ..., \"text\": ...} per line; the\n"
    "qrels are TREC's 'QID 0 DOCID REL' lines (REL > 0 is relevant). Each query\n"
    "text is searched as plain words, not in the query syntax: ( ) and \" become\n"
    "spaces, a + - * or ? that starts a word and every ^ are dropped, and AND,\n"
    "OR, NOT, NEAR are words.\n"
    "A word with inner punctuation (real-gas) is searched as a phrase, and a\n"
    "repeated word counts twice, as in any search.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --queries FILE     the queries (JSON Lines)\n"
    "      --qrels FILE       the relevance judgments (TREC qrels)\n"
    "  -k, --k N              hits per query (default 1000)\n"
    "      --json             print JSON lines: {\"type\":\"summary\",\"run\":..,\n"
    "                         \"queries\":..,\"MAP\":..,...}, and \"query\", \"test\"\n"
    "      --per-query        also print each query's figures\n"
    "      --compare OPTIONS  also run with these search options (one argument:\n"
    "                         --and, --bm25-k1 X, --bm25-b X and the ranking\n"
    "                         options of 'kzsearch search --help' but --now, e.g.\n"
    "                         \"--rm3 --rm3-terms 20\") and give each\n"
    "                         measure's p-value: a two-sided paired randomization\n"
    "                         test, 10000 permutations, fixed seed\n"
    "      --run FILE         write the default run to FILE in TREC run format\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch eval -i idx --queries queries.jsonl --qrels qrels.txt\n"
    "  kzsearch eval -i idx --queries q.jsonl --qrels qrels --compare \"--and\"\n"
    "\n"
    "Exit status:\n"
    "  0  the figures were printed\n"
    "  2  an error\n";

/* ---------------------------------------------------------------- acronyms */

static const char acronyms_usage[] = "Usage: kzsearch acronyms [--json] PATH...\n";

static const char acronyms_help[] =
    "\n"
    "Print the acronym definitions found in each document at each PATH, the way\n"
    "indexing finds them for the alias table: 'Long Form (SF)' and, with at least\n"
    "two words inside the parentheses, 'SF (Long Form)' (the algorithm of\n"
    "Schwartz & Hearst; README.md, \"Acronyms\"). PATH is read as by 'kzsearch\n"
    "index' (JSON Lines, .zst, directories of .txt, - for stdin). No index is\n"
    "needed. The text output has one 'ID<TAB>SF<TAB>long form' line per pair.\n"
    "\n"
    "Options:\n"
    "      --json             one {\"id\":..,\"pairs\":[[\"SF\",\"long form\"],..]} line\n"
    "                         per document, also for documents without pairs\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch acronyms news.jsonl\n"
    "  kzsearch acronyms --json abstracts.jsonl > pairs.jsonl\n"
    "\n"
    "Exit status:\n"
    "  0  every record was read\n"
    "  1  some records were skipped (reported as FILE:LINE)\n"
    "  2  an error\n";

/* ---------------------------------------------------------------- aliases */

static const char aliases_usage[] = "Usage: kzsearch aliases [-i DIR] [--json]\n";

static const char aliases_help[] =
    "\n"
    "List the index's alias table: each acronym defined in the indexed text, each\n"
    "long form it was given, and in how many documents. A '*' (\"expanded\": true\n"
    "with --json) marks the long forms that searches add to the acronym: those\n"
    "defined in at least 2 documents and in at least 80% of the acronym's\n"
    "definitions (README.md, \"Acronyms\").\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --json             one {\"type\":\"alias\",\"short\":..,\"long\":..,\"docs\":N,\n"
    "                         \"expanded\":bool} line per entry\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch aliases -i idx\n"
    "  kzsearch aliases --json | grep '\"expanded\":true'\n"
    "\n"
    "Exit status:\n"
    "  0  the table was printed (it may be empty)\n"
    "  2  an error\n";

/* ---------------------------------------------------------------- duplicates */

static const char duplicates_usage[] = "Usage: kzsearch duplicates [-i DIR] [--json] [--jaccard]\n";

static const char duplicates_help[] =
    "\n"
    "List every group of near-duplicate documents in the index, one group a line:\n"
    "syndicated copies of one story under other headlines, trimmed or padded.\n"
    "Documents are near-duplicates when their simhash fingerprints differ in at\n"
    "most 3 of 64 bits (a fingerprint of the lead, the first 18 words) and their\n"
    "texts confirm it: at least 80% of their 5-word shingles shared (Jaccard), or\n"
    "95% of the shorter text's inside the longer (containment: a trimmed or\n"
    "padded copy); groups join transitively. Searches fold them into one hit the\n"
    "same way (see 'kzsearch help search', --no-collapse).\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR        the index directory (see 'kzsearch --help')\n"
    "      --json             one JSON object a group: {\"ids\":[\"a\",\"b\"],\"size\":2}\n"
    "      --jaccard          confirm by Jaccard alone: no trimmed or padded copies,\n"
    "                         only texts that are 80% the same both ways\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  kzsearch duplicates\n"
    "  kzsearch duplicates -i ~/idx --json | head\n"
    "\n"
    "Exit status:\n"
    "  0  groups were found\n"
    "  1  no document has a near-duplicate\n"
    "  2  an error\n";

/* ---------------------------------------------------------------- the table */

const cli_command cli_commands[] = {
    {"index", cli_cmd_index, "Add documents (JSON Lines, directories of .txt) to the index",
     index_usage, index_help},
    {"search", cli_cmd_search, "Search the index (the default: 'kzsearch oil prices')",
     search_usage, search_help},
    {"show", cli_cmd_show, "Print a stored article whole, by id", show_usage, show_help},
    {"stats", cli_cmd_stats, "Show the size and contents of the index", stats_usage, stats_help},
    {"check", cli_cmd_check, "Verify the index and list any damage", check_usage, check_help},
    {"delete", cli_cmd_delete, "Delete documents by id", delete_usage, delete_help},
    {"serve", cli_cmd_serve, "Serve the index over HTTP: a JSON API and a search page",
     serve_usage, serve_help},
    {"upgrade", cli_cmd_upgrade, "Rebuild an index of an older format as the current one",
     upgrade_usage, upgrade_help},
    {"eval", cli_cmd_eval, "Measure ranking quality (MAP, nDCG@10) on judged queries",
     eval_usage, eval_help},
    {"compact", cli_cmd_compact, "Merge all segments into one, dropping deleted documents",
     compact_usage, compact_help},
    {"acronyms", cli_cmd_acronyms, "Print the acronym definitions found in documents (no index)",
     acronyms_usage, acronyms_help},
    {"aliases", cli_cmd_aliases, "List the acronyms learned from the indexed text", aliases_usage,
     aliases_help},
    {"duplicates", cli_cmd_duplicates, "List the groups of near-duplicate documents",
     duplicates_usage, duplicates_help},
};

const size_t cli_n_commands = sizeof cli_commands / sizeof cli_commands[0];

const cli_command *cli_command_find(const char *name) {
  for (size_t i = 0; i < cli_n_commands; i++)
    if (strcmp(cli_commands[i].name, name) == 0) return &cli_commands[i];
  return NULL;
}
