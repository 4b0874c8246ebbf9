/*
 * kzsearch.h - the embeddable full-text search API (the only public header).
 *
 * An index is a directory of immutable segments and one manifest that names
 * them. A writer (kz_writer) adds documents and commits them atomically; a
 * reader (kz_index) opens the last committed state and searches it with BM25.
 * The manual page kzsearch(3) (docs/man/kzsearch.3) describes the same API;
 * tests/integration/cli_help.sh fails when a function here is missing there.
 *
 * Thread model
 *   - One kz_index may be searched from many threads at once: kz_search and
 *     kz_count only read the index and allocate their own scratch space.
 *     Opening and closing an index are not concurrent with searching it.
 *   - One writer at a time per index directory (an OS file lock enforces
 *     it across processes). A kz_writer must not be used from two threads at
 *     once. A kz_index opened before a commit keeps seeing the old state.
 *   - kz_hits results are owned by the caller and independent of the index
 *     handle's other searches; free them before closing the index.
 *
 * Conventions
 *   - Functions that can fail return KZ_OK (0) or a negative kz_status and
 *     fill out-parameters only on success. `kz_error *err` may be NULL; when
 *     given it receives the code and a one-line message.
 *   - `T **out` results are owned by the caller and released with the
 *     matching _free/_close function, each of which accepts NULL. Pointers
 *     returned by getters are borrowed from the object they came from.
 *   - Options structs start with a version field and only grow at the end;
 *     initialise them with the matching _INIT macro.
 *   - The structs the library fills (kz_index_stats, kz_check_report,
 *     kz_ingest_stats) and kz_document start with `struct_size`, the size of
 *     the struct as the caller was compiled; initialise them with the
 *     matching _INIT macro, which sets it. They only grow at the end, and the
 *     library reads or writes only the first struct_size bytes, so a program
 *     built against an older header keeps working with a newer library (and
 *     a newer program's extra fields keep their initial values with an older
 *     one). A struct_size smaller than the field itself is KZ_ERR_INVALID.
 */
#ifndef KZSEARCH_H
#define KZSEARCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(KZ_BUILDING_LIBRARY)
#define KZ_API __attribute__((visibility("default")))
#else
#define KZ_API
#endif

/* Library version (the on-disk format has its own version, see kz_index_stats). */
#define KZ_VERSION_MAJOR 0
#define KZ_VERSION_MINOR 1
#define KZ_VERSION_PATCH 0
#define KZ_VERSION_STRING "0.1.0"

/* @return the library version string of the linked library, e.g. "0.1.0". */
KZ_API const char *kz_version(void);

/* Status codes: 0 on success, a small disjoint negative range on failure. */
typedef enum kz_status {
  KZ_OK = 0,
  KZ_ERR_NOMEM = -1,          /* an allocation failed */
  KZ_ERR_IO = -2,             /* the operating system reported an I/O error */
  KZ_ERR_CORRUPT = -3,        /* index bytes fail a check (checksum, bounds, order) */
  KZ_ERR_VERSION = -4,        /* the index was written by a newer format version */
  KZ_ERR_NO_INDEX = -5,       /* no index at the given path */
  KZ_ERR_QUERY = -6,          /* the query is malformed (see kz_error.position) */
  KZ_ERR_INVALID = -7,        /* a bad argument or option (unknown language, k = 0, ...) */
  KZ_ERR_LIMIT = -8,          /* an input exceeds a documented limit */
  KZ_ERR_LOCKED = -9,         /* another writer holds the index lock */
  KZ_ERR_DOCUMENT = -10,      /* a document is malformed and was not added */
  KZ_ERR_INTERRUPTED = -11,   /* the operation was cancelled */
  KZ_ERR_UNSYNCED = -12       /* committed and visible, but the index directory could not be
                                 synced, so the commit may not survive a crash */
} kz_status;

/* @return a static, human-readable name for a status code. */
KZ_API const char *kz_strerror(int status);

/* Error details filled by failing calls when the caller passes one. */
typedef struct kz_error {
  int code;           /* the kz_status returned */
  size_t position;    /* for KZ_ERR_QUERY: byte offset of the offending spot */
  char message[512];  /* one line, NUL-terminated, no trailing newline */
} kz_error;

/* ------------------------------------------------------------------------ */
/* Reading and searching                                                    */
/* ------------------------------------------------------------------------ */

typedef struct kz_index kz_index;
typedef struct kz_hits kz_hits;

/*
 * Opens the last committed state of the index at `path` for searching.
 * @return KZ_OK; KZ_ERR_NO_INDEX when `path` holds no index; KZ_ERR_VERSION
 *         for an index of a newer format; KZ_ERR_CORRUPT, KZ_ERR_IO,
 *         KZ_ERR_NOMEM otherwise.
 */
KZ_API int kz_index_open(kz_index **out, const char *path, kz_error *err);

/* Releases the index. Accepts NULL. All kz_hits must have been freed. */
KZ_API void kz_index_close(kz_index *index);

typedef struct kz_index_stats {
  size_t struct_size;         /* sizeof(kz_index_stats), set by KZ_INDEX_STATS_INIT */
  uint32_t format_version;
  uint64_t generation;        /* commit number of the opened state */
  uint64_t documents;         /* live documents */
  uint64_t segments;
  uint64_t terms;             /* distinct terms across all segments */
  uint64_t postings;          /* (term, document) pairs */
  uint64_t positions;         /* token occurrences */
  double avg_doc_length;      /* tokens per document (title + body) */
  uint64_t bytes_dict, bytes_postings, bytes_positions, bytes_norms, bytes_store,
      bytes_manifest;
  char language[32];          /* the Snowball language the index was built with */
  uint64_t deleted_documents; /* deleted or replaced, not yet merged away (not in `documents`) */
} kz_index_stats;
#define KZ_INDEX_STATS_INIT \
  {sizeof(kz_index_stats), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 0}

/*
 * Fills `out` (initialised with KZ_INDEX_STATS_INIT) with statistics of the
 * opened index (terms are counted exactly).
 * @return KZ_OK; KZ_ERR_INVALID for a bad struct_size; KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
KZ_API int kz_index_stats_get(kz_index *index, kz_index_stats *out, kz_error *err);

/* Damage found by kz_index_check: the file (a name inside the index directory) and what is wrong. */
typedef void (*kz_check_problem_fn)(void *ctx, const char *file, const char *problem);

typedef struct kz_check_report {
  size_t struct_size; /* sizeof(kz_check_report), set by KZ_CHECK_REPORT_INIT */
  uint64_t files;     /* files examined */
  uint64_t bytes;     /* bytes read (checksummed) */
  uint64_t problems;  /* damage found; 0 means clean */
} kz_check_report;
#define KZ_CHECK_REPORT_INIT {sizeof(kz_check_report), 0, 0, 0}

/*
 * Verifies the committed index at `path` without trusting it. The quick
 * form checks the manifest (with its checksum) and every segment file's
 * header, footer and size. `full` also verifies every file's checksum and
 * cross-checks the structures: every term's postings and positions decode,
 * terms are in order, counts agree with the manifest, every stored document
 * decodes. Each problem is passed to `problem` (may be NULL) and counted.
 * `report` (may be NULL) is initialised with KZ_CHECK_REPORT_INIT.
 * @return KZ_OK when the check ran (report->problems says whether damage was
 *         found); KZ_ERR_NO_INDEX, KZ_ERR_IO, KZ_ERR_NOMEM when it could not
 *         run; KZ_ERR_INVALID for a bad struct_size.
 */
KZ_API int kz_index_check(const char *path, int full, kz_check_problem_fn problem, void *ctx,
                          kz_check_report *report, kz_error *err);

/*
 * Version 2 added since, until, sort and facet; version 3 the members after
 * facet. Older structs (without the later members) are still accepted.
 */
#define KZ_SEARCH_OPTIONS_VERSION 3
typedef struct kz_search_options {
  unsigned version;           /* KZ_SEARCH_OPTIONS_VERSION */
  size_t k;                   /* hits to return (default 10) */
  size_t offset;              /* hits to skip first, for paging (default 0) */
  int default_and;            /* bare words are required (AND) instead of OR */
  double bm25_k1;             /* default 1.2 */
  double bm25_b;              /* default 0.75 */
  size_t snippet_bytes;       /* approximate snippet length; 0 = no snippets nor highlights */
  int ids_only;               /* fill only id and score of each hit (the fastest form) */
  int skip_total;             /* let the search skip documents that cannot reach the top k:
                                 faster, and kz_hits_total is then only a lower bound */
  /*
   * Date filters, NULL for none: only documents dated from the start of
   * `since` to the end of `until` match (both are date expressions as after
   * "date:" in a query, e.g. "2022-01-06", "2022-01", "2022"). A document
   * without a date then never matches. Version 2.
   */
  const char *since;
  const char *until;
  /*
   * The order of the hits (a kz_sort), version 2: by score (the default), or
   * by date, newest or oldest first. Documents without a date come last;
   * equal dates go to the higher score, then to document order. Paging with
   * k and offset works the same; the total is then always exact.
   */
  int sort;
  /*
   * A kz_facet, version 2: with a date facet, the hits also carry the number
   * of matching documents of each day, month or year (kz_hits_facet_at),
   * counted over all matches, not only the k returned (in the same pass as
   * the hits: skip_total is then ignored and the total is exact).
   */
  int facet;
  /*
   * Prefix and fuzzy words, "did you mean". Version 3.
   * max_expansions: the most terms one fuzzy word (tokaev~1) expands to,
   * its most frequent ones within the distance; 0 means 50 (Lucene's
   * default), at most 100000. A prefix (peace*) is never capped.
   * suggest: when the query matches fewer than 5 documents, look for a
   * spelling of its words within the automatic fuzzy distance that is much
   * more frequent and whose query would match at least 10 times more;
   * kz_hits_suggestion then returns it (any matches beat none). The query itself is never changed.
   */
  size_t max_expansions;
  int suggest;
  /* Explain, version 3: */
  /*
   * Non-zero: the hits also carry the query as parsed and planned
   * (kz_hits_query_explanation) and each hit's score broken down by clause
   * (kz_hits_explanation_at). Off by default; it costs nothing when off.
   */
  int explain;
  /*
   * Ranking options (README, "Ranking options"), version 3. Each is off by
   * default; with any of them on, the search scores every match (no
   * pruning), so the top k stays exact.
   *
   * title_weight W > 0: BM25F ("simple BM25F"): a term's pseudo-frequency
   * is tf_text / B_text + W * tf_title / B_title, B_f = 1 - b + b * len_f /
   * avglen_f, saturated once: idf * tf' / (k1 + tf'). The text field holds
   * the title too, so W = 0 is plain BM25.
   */
  double title_weight;
  /*
   * rm3: RM3 pseudo-relevance feedback as Anserini runs it: the query's top
   * rm3_docs documents (default 10) give a relevance model of their terms,
   * whose rm3_terms best (default 10) are added to the query, the original
   * weighing rm3_weight (0 to 1, default 0.5).
   */
  int rm3;
  unsigned rm3_docs;
  unsigned rm3_terms;
  double rm3_weight;
  /* proximity: BM25TP, a bonus for query terms near each other in the text. */
  int proximity;
  /*
   * recency_days > 0: the score times a decay of the document's age (a
   * kz_decay, recency_decay: 0.5 at an age of recency_days), age counted
   * back from `now` (a date expression; NULL: the newest document of the
   * index). A document without a date gets 0.5, as if it were that old.
   */
  double recency_days;
  int recency_decay;
  const char *now;
  /*
   * Names spelled several ways, version 3: by default a query word that is
   * a name also matches the other spellings of it found in the index
   * ("Mangistau" finds "Mangystau"; kz_hits_also_matched_at lists them).
   * Non-zero matches only the spelling typed (the CLI's --exact).
   */
  int exact_names;
  /*
   * Acronyms learned from the corpus, version 3: a bare acronym of the query
   * (CSTO) also matches its long form as a phrase, and a long form written
   * as a phrase also matches its acronym, each scored at half weight
   * (README.md, "Acronyms"; kz_hits_expansion_at says what was added).
   * Non-zero turns that off.
   */
  int no_expand;
  /*
   * Syndicated copies collapsed, version 3 (default 1; a version 1 or 2
   * struct never collapses): near-duplicate hits (simhash fingerprints at
   * most 3 bits apart whose texts confirm it: 5-word-shingle Jaccard at
   * least 0.8, or containment of the shorter at least 0.95) fold into the
   * best ranked of them, which lists their ids (kz_hits_similar_at).
   * Pages are cut from the collapsed ranking; kz_hits_total still counts
   * every match.
   */
  int collapse;
} kz_search_options;
#define KZ_SEARCH_OPTIONS_INIT                                                                  \
  {KZ_SEARCH_OPTIONS_VERSION, 10, 0, 0, 1.2, 0.75, 200, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0.0, 0, 10, \
   10, 0.5, 0, 0.0, 0, NULL, 0, 0, 1}

/* kz_search_options.recency_decay: exp(ln 0.5 * age / scale) or exp(ln 0.5 * (age / scale)^2). */
typedef enum kz_decay { KZ_DECAY_EXP = 0, KZ_DECAY_GAUSS = 1 } kz_decay;

/* kz_search_options.sort */
typedef enum kz_sort { KZ_SORT_SCORE = 0, KZ_SORT_DATE = 1, KZ_SORT_DATE_ASC = 2 } kz_sort;

/* kz_search_options.facet */
typedef enum kz_facet {
  KZ_FACET_NONE = 0,
  KZ_FACET_DATE_DAY = 1,
  KZ_FACET_DATE_MONTH = 2,
  KZ_FACET_DATE_YEAR = 3
} kz_facet;

/* A highlighted range [start, end) in UTF-8 bytes of a string of a hit. */
typedef struct kz_span {
  size_t start, end;
} kz_span;

/*
 * One hit. Highlights mark exactly what made the document match: each
 * occurrence of a matched term, and each occurrence of a matched phrase as
 * one span over the whole phrase (a phrase's word alone is not marked).
 * Terms of excluded clauses (-x, NOT) and of groups that did not match are
 * never marked. Spans are sorted and disjoint (overlapping occurrences are
 * one span). Highlights are computed with snippets: none when snippet_bytes
 * is 0 or ids_only is set.
 *
 * The library allocates every kz_hit (callers never do), so fields are only
 * ever added at the end; title_highlights came after highlights.
 */
typedef struct kz_hit {
  uint64_t doc;               /* internal document number (stable within a snapshot) */
  double score;               /* BM25 */
  const char *id, *title, *date, *url;  /* "" when the document has none */
  const char *snippet;        /* "" when snippets are off */
  const kz_span *highlights;  /* byte ranges in snippet; NULL when n_highlights is 0 */
  size_t n_highlights;
  const kz_span *title_highlights; /* byte ranges in title; NULL when n_title_highlights is 0 */
  size_t n_title_highlights;
} kz_hit;

/*
 * Runs `query` (syntax in README.md) against the index and collects the best
 * hits ranked by BM25 (ties by document order) plus the exact number of
 * matching documents. `opts` may be NULL for the defaults. The operators:
 * words (any by default), "phrases", +required, -excluded, AND / OR / NOT
 * and ( ), title:, date:, "sloppy phrases"~N (Lucene's slop, 0..100000) and
 * a NEAR/N b (in either order, at most N positions apart; bare NEAR = 10).
 * Operators are upper case ("and", "near" are words); Lucene's "&&", "||"
 * and "!x" are AND, OR and NOT. Boosts (a^2), ranges [a TO b] outside date:,
 * words starting with '*' or '?' and a '?' inside a word are errors.
 * A prefix word "peace*" (at least 2 letters) stands for every indexed term
 * (a stem) starting with the folded, unstemmed prefix; a fuzzy word
 * "tokaev~1" / "~2" / "~" (automatic: 0 edits up to 2 letters, 1 up to 5,
 * else 2) for the terms within that many edits (adjacent transpositions
 * count one) of the folded word or of its stem, its max_expansions most
 * frequent. Either scores as one term: tf summed over its terms, df the
 * documents holding any of them. Any other '*' or '~' is KZ_ERR_QUERY.
 * @return KZ_OK; KZ_ERR_QUERY with err->position for a malformed query;
 *         KZ_ERR_INVALID for bad options; KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
KZ_API int kz_search(kz_hits **out, kz_index *index, const char *query,
                     const kz_search_options *opts, kz_error *err);

/* Counts matching documents exactly without ranking them. */
KZ_API int kz_count(uint64_t *out, kz_index *index, const char *query,
                    const kz_search_options *opts, kz_error *err);

KZ_API size_t kz_hits_size(const kz_hits *hits);           /* hits returned */
KZ_API uint64_t kz_hits_total(const kz_hits *hits);        /* all matches */
KZ_API const kz_hit *kz_hits_at(const kz_hits *hits, size_t i); /* NULL past the end */
KZ_API void kz_hits_free(kz_hits *hits);
/*
 * "Did you mean": the query with its misspelt words replaced by a much more
 * frequent indexed spelling ("tokayev" for "Tokaev"), or "" when there is
 * none or kz_search_options.suggest was off. Borrowed from hits.
 */
KZ_API const char *kz_hits_suggestion(const kz_hits *hits);

/*
 * The near-duplicates folded into hit i by kz_search_options.collapse: how
 * many (0 for none, or past the end), and the id of the j-th of them, best
 * ranked first (borrowed from hits; NULL past the end).
 */
KZ_API size_t kz_hits_similar_size(const kz_hits *hits, size_t i);
KZ_API const char *kz_hits_similar_at(const kz_hits *hits, size_t i, size_t j);

/*
 * Called by kz_index_duplicates for each group of near-duplicates: the ids
 * of its n (at least 2) documents in index order, as byte strings of the
 * given lengths (not NUL-terminated, valid during the call only). Return
 * non-zero to stop.
 */
typedef int (*kz_duplicates_fn)(void *ctx, const char *const *ids, const size_t *id_lens, size_t n);

/* kz_index_duplicates flags: confirm pairs by Jaccard alone (no containment). */
#define KZ_DUPLICATES_JACCARD 1u

/*
 * Lists every group of near-duplicate documents of the index: documents
 * whose simhash fingerprints (of their leads) are at most 3 bits apart and
 * whose texts confirm it (5-word-shingle Jaccard at least 0.8, or
 * containment of the shorter text at least 0.95; Jaccard only with
 * KZ_DUPLICATES_JACCARD), joined transitively, as
 * kz_search_options.collapse joins hits. Groups come in the order of their
 * first document. Safe beside kz_search from many threads.
 * @return KZ_OK (also when fn stopped it); KZ_ERR_INVALID for a NULL index
 *         or fn, or unknown flags; KZ_ERR_CORRUPT; KZ_ERR_NOMEM.
 */
KZ_API int kz_index_duplicates(kz_index *index, unsigned flags, kz_duplicates_fn fn, void *ctx,
                               kz_error *err);

/* One bucket of a facet: the matching documents dated in one UTC day, month or year. */
typedef struct kz_facet_count {
  const char *bucket; /* "2022-01-06", "2022-01" or "2022" */
  int64_t start;      /* the bucket's first second, UTC seconds since 1970 */
  uint64_t count;     /* matching documents dated in it (undated ones are in none) */
} kz_facet_count;

/*
 * The other spellings of the query's names that the search matched besides
 * the spelling typed (kz_search_options.exact_names): terms as indexed, such
 * as "mangystau" for the query "Mangistau", in query order. Borrowed from
 * hits; NULL past the end. kz_count and kz_search with exact_names set have none.
 */
KZ_API size_t kz_hits_also_matched_size(const kz_hits *hits);
KZ_API const char *kz_hits_also_matched_at(const kz_hits *hits, size_t i);

/* Buckets of the facet asked for with kz_search_options.facet, oldest first (0 without one). */
KZ_API size_t kz_hits_facet_size(const kz_hits *hits);
/* Bucket i, borrowed from hits; NULL past the end. */
KZ_API const kz_facet_count *kz_hits_facet_at(const kz_hits *hits, size_t i);

/* One query expansion a search made: `from` (as in the query) also searched as `to`. */
typedef struct kz_expansion {
  const char *from; /* "CSTO" */
  const char *to;   /* "collective security treaty organization" */
  uint64_t docs;    /* documents of the index that define `from` as `to` (or `to` as `from`) */
} kz_expansion;

/* Expansions of the query (acronyms and long forms, README.md "Acronyms"); 0 with no_expand. */
KZ_API size_t kz_hits_expansion_size(const kz_hits *hits);
/* Expansion i, borrowed from hits; NULL past the end. */
KZ_API const kz_expansion *kz_hits_expansion_at(const kz_hits *hits, size_t i);

/*
 * One entry of the index's alias table: documents that define `short_form`
 * as `long_form` (folded to lower case) in all segments together, and
 * whether searches expand the acronym to it (README.md, "Acronyms").
 */
typedef struct kz_alias {
  const char *short_form, *long_form;
  uint64_t docs;
  int expanded;
} kz_alias;

/* Called for each alias, sorted by short form then long form; return non-zero to stop. */
typedef int (*kz_alias_fn)(void *ctx, const kz_alias *alias);

/*
 * Lists the alias table of the index (`kzsearch aliases`).
 * @return KZ_OK (also when fn stopped early); KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
KZ_API int kz_index_aliases(kz_index *index, kz_alias_fn fn, void *ctx, kz_error *err);

/*
 * An explanation (kz_search_options.explain): a tree in the manner of
 * Lucene's Explanation. Every node has a kind (a short name, below), a value
 * and a one-line description for people; a kind's meaning never changes,
 * and new kinds may be added, so skip the ones you do not know.
 *
 * A hit's tree (kz_hits_explanation_at) adds up to its score:
 *   "sum"     a group of clauses: value = the sum of its children's values
 *             (the clauses that matched the document; excluded clauses and
 *             optional ones that did not match are left out)
 *   "term"    one term's BM25: value = idf * tf / (tf + k1 * (1 - b + b *
 *             dl / avgdl)), its children the factors "idf", "tf", "dl",
 *             "avgdl", "k1" and "b"
 *   "phrase"  a phrase as one pseudo-term: the same formula with "freq"
 *             (its occurrences in the document; a sloppy phrase's or
 *             NEAR's sloppy frequency, each match weighing 1 / (1 +
 *             distance)) for tf and the sum of its terms' idf for idf
 *             (a prefix or fuzzy word is a "term": its "tf" has one "tf"
 *             child per expansion the document holds, their sum, and its
 *             "df" counts the documents holding any expansion)
 *   "filter"  a date clause: it filters and scores 0
 * So the hit's score is the sum of the values of the "term", "phrase" and
 * "filter" nodes reached through "sum" nodes (the root may itself be one of
 * them). Factor nodes: "idf" = ln(1 + (N - df + 0.5) / (df + 0.5)), its
 * children "N" (documents of the field) and "df" (documents with the
 * term); a phrase's "idf" has its terms' "idf" nodes as children instead.
 * "freq", "dl" (the field's length in the document, in tokens), "avgdl",
 * "k1" and "b" have no children; "tf" only a prefix's or fuzzy word's.
 *
 * The query's tree (kz_hits_query_explanation) shows what was searched:
 *   "query"   the root: the planned query in Lucene's notation (+ required,
 *             - excluded, field:term with analysed terms); its children
 *             the planned clause, then one "dropped" node per word or
 *             phrase that analysed to no term at all, then one node per
 *             word the search added (README, "Acronyms" and "Names spelled
 *             several ways") and one per such switch turned off
 *   "bool"    a group; its children its clauses
 *   "term"    value = df, the documents holding the term
 *   "phrase"  its children the phrase's "term" nodes ("a b"~N: sloppy;
 *             a NEAR/N b: NEAR)
 *   "expand"  a prefix or fuzzy word: value = the df it weighs with (of
 *             the documents holding any expansion); its children the
 *             expansions as "term" nodes, the first 20, then a "more"
 *             node whose value counts the rest
 *   "date"    a date filter
 *   "dropped" value = the clause's byte offset in the query: it was left
 *             out because its words analysed away (stop words, punctuation)
 *   "acronym"      an acronym typed, its long form added as a phrase;
 *                  value = the documents the long form matches alone
 *   "long form"    a long form typed, its acronym added; value = the
 *                  documents the acronym matches alone
 *   "also matched" another spelling of a name added; value = its df
 *   "off"          no_expand or exact_names kept those from being added
 * Values other than these are 0 in the query's tree.
 */
typedef struct kz_explanation kz_explanation;
struct kz_explanation {
  const char *kind;
  double value;
  const char *description;
  const kz_explanation *children; /* n_children nodes; NULL when there are none */
  size_t n_children;
};

/*
 * The query as parsed and planned, or NULL when the search did not ask
 * for explain. Borrowed from hits: valid until kz_hits_free.
 */
KZ_API const kz_explanation *kz_hits_query_explanation(const kz_hits *hits);

/*
 * Hit i's score broken down by clause (see kz_explanation), or NULL past
 * the end or when the search did not ask for explain. Borrowed from hits.
 */
KZ_API const kz_explanation *kz_hits_explanation_at(const kz_hits *hits, size_t i);

/*
 * Called by kz_index_analyze for each term: the term's bytes (not
 * NUL-terminated, valid during the call only) and its position (token
 * number from 0). Return non-zero to stop the analysis early.
 */
typedef int (*kz_term_fn)(void *ctx, const char *term, size_t len, uint32_t position);

/*
 * Runs text[0..len) through the index's analyzer, exactly as documents and
 * query words are analyzed (tokenizing, folding, stemming in the index's
 * language), and calls `fn` with each term in order. The text is plain
 * text, not a query: operators and quotes are just characters. Lets a
 * caller see what a query word will search for, e.g. to merge query words
 * that analyze alike (the search itself counts a repeated word twice, as
 * Lucene's BooleanQuery does). Safe beside kz_search from many threads.
 * @return KZ_OK (also when fn stopped it); KZ_ERR_INVALID for a NULL text
 *         with a length or a NULL fn; KZ_ERR_NOMEM.
 */
KZ_API int kz_index_analyze(kz_index *index, const char *text, size_t len, kz_term_fn fn,
                            void *ctx, kz_error *err);

/*
 * A stored document as kz_index_get returns it: every field as it was added,
 * body included. The library allocates it and may add members at its end;
 * release it with kz_stored_free. Each string is NUL-terminated and "" (length
 * 0) when the document has none; a field may contain NUL bytes, so use the
 * lengths for the whole value. The strings belong to the kz_stored and need
 * nothing else: they stay valid after the index is closed.
 */
typedef struct kz_stored {
  uint64_t doc; /* internal document number, as kz_hit.doc (stable within a snapshot) */
  const char *id, *title, *body, *date, *url;
  size_t id_len, title_len, body_len, date_len, url_len;
} kz_stored;

/*
 * Fetches the live document with this id from the opened index (the state
 * it was opened at): a deleted document is not found, and of a replaced one
 * only the newest version is. The first call builds an id table of the
 * index (one pass over the segments' id tables; 24 to 48 bytes per live
 * document, kept until kz_index_close); later calls cost a hash lookup and
 * one block decompression. Safe to call from many threads, and beside
 * kz_search.
 * @return KZ_OK with *out set, or with *out = NULL when no live document
 *         has this id (not an error); KZ_ERR_INVALID for a NULL id with a
 *         length; KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
KZ_API int kz_index_get(kz_stored **out, kz_index *index, const char *id, size_t id_len,
                        kz_error *err);

/* Releases a document from kz_index_get. Accepts NULL. */
KZ_API void kz_stored_free(kz_stored *doc);

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct kz_writer kz_writer;

/*
 * A merge of committed segments, as kz_writer_options.merge_progress hears of
 * it. Merges run inside kz_writer_commit (the merge policy's, unless
 * no_auto_merge) and kz_writer_compact, on the caller's thread, after the
 * commit itself is visible; each is reported once when it starts and once
 * when it ends. The library owns the struct (valid during the call only)
 * and may add members at its end; callers ignore phases they do not know.
 */
typedef enum kz_merge_phase {
  KZ_MERGE_START = 0,    /* the merge begins: done_documents is 0 */
  KZ_MERGE_PROGRESS = 1, /* part of the way: done_documents grew (reserved; not reported yet) */
  KZ_MERGE_END = 2       /* the merge is over: see status */
} kz_merge_phase;

typedef struct kz_merge_event {
  kz_merge_phase phase;
  int status;              /* at KZ_MERGE_END: KZ_OK or the merge's error (KZ_ERR_UNSYNCED:
                              merged and visible, not yet durable); before: KZ_OK */
  int compact;             /* 1: kz_writer_compact's merge of every segment; 0: the policy's */
  uint64_t segments;       /* segments being merged into one */
  uint64_t index_segments; /* segments in the index when the merge starts */
  uint64_t documents;      /* documents in them, deleted and replaced ones included */
  uint64_t live_documents; /* of those, the ones the merged segment keeps */
  uint64_t done_documents; /* live documents merged so far; at KZ_MERGE_END, live_documents
                              when the merge took effect, 0 when the segments stay as they were */
} kz_merge_event;

/* Called on the writer's thread; it must not use the writer. */
typedef void (*kz_merge_progress_fn)(void *ctx, const kz_merge_event *event);

/* Version 2 added merge_progress and merge_ctx; version 1 structs are still accepted. */
#define KZ_WRITER_OPTIONS_VERSION 2
typedef struct kz_writer_options {
  unsigned version;           /* KZ_WRITER_OPTIONS_VERSION */
  const char *language;       /* Snowball language for a new index (default "english") */
  size_t memory_bytes;        /* in-memory budget before a segment is written (default 256 MiB) */
  int rebuild;                /* start from an empty index; the old one stays until commit */
  int no_auto_merge;          /* never merge segments after a commit (kz_writer_compact still does) */
  size_t max_doc_bytes;       /* larger documents are refused with KZ_ERR_LIMIT (default and
                                 upper bound: 64 MiB) */
  unsigned threads;           /* indexing threads, each building its own segments (default 1);
                                 memory_bytes is shared by all of them */
  /* Version 2: */
  kz_merge_progress_fn merge_progress; /* told of every merge as it starts and ends; may be NULL */
  void *merge_ctx;                     /* passed to merge_progress */
} kz_writer_options;
#define KZ_WRITER_OPTIONS_INIT {KZ_WRITER_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, NULL, NULL}

/*
 * A document to add. Strings need not be NUL-terminated; NULL means absent.
 * Initialise it with KZ_DOCUMENT_INIT, then set the fields it has.
 */
typedef struct kz_document {
  size_t struct_size; /* sizeof(kz_document), set by KZ_DOCUMENT_INIT */
  const char *id;    size_t id_len;
  const char *title; size_t title_len;
  const char *body;  size_t body_len;
  const char *date;  size_t date_len;
  const char *url;   size_t url_len;
} kz_document;
#define KZ_DOCUMENT_INIT {sizeof(kz_document), NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0}

/*
 * Rebuilds the index at `path`, of an older format (v1 or v2), as the
 * current format from its own stored documents (deleted ones left out), in
 * one commit: readers see the old index until then, and a crash at any
 * step leaves either the old or the new one. Takes the writer lock. An
 * English index of the current format with segments written before pairs
 * of common words (fast phrases such as "of the") is rebuilt the same way
 * (*from_version is then the current format). Any other index already of
 * the current format is left as it is (*from_version 0).
 * `from_version` and `documents` (may be NULL) get the old format and the
 * documents carried over.
 * @return KZ_OK; KZ_ERR_NO_INDEX; KZ_ERR_LOCKED; KZ_ERR_CORRUPT when an old
 *         store cannot be read (nothing changed); KZ_ERR_IO, KZ_ERR_NOMEM;
 *         KZ_ERR_UNSYNCED as for kz_writer_commit.
 */
KZ_API int kz_index_upgrade(const char *path, unsigned *from_version, uint64_t *documents,
                            kz_error *err);

/*
 * Opens (creating when missing) the index at `path` for writing and takes its
 * lock. Leftover files of an interrupted writer are removed (only files named
 * as the index's own: seg-*, MANIFEST.tmp). A new index is created only in a
 * missing or empty directory: a directory that holds other files but no index
 * is refused, and nothing is written into it. `rebuild` is the only way to
 * replace a committed index.
 * @return KZ_OK; KZ_ERR_LOCKED when another writer holds it; KZ_ERR_INVALID
 *         for an unknown language or a non-empty directory without an index;
 *         KZ_ERR_IO, KZ_ERR_CORRUPT, KZ_ERR_VERSION.
 */
KZ_API int kz_writer_open(kz_writer **out, const char *path, const kz_writer_options *opts,
                          kz_error *err);

/*
 * Adds one document (invisible to readers until kz_writer_commit). When a
 * document with the same id is in the index (or was added before in this
 * writer), the new one replaces it: the old version is never returned again.
 * @return KZ_OK; KZ_ERR_DOCUMENT when it has no id; KZ_ERR_LIMIT when it
 *         exceeds a size limit; KZ_ERR_INVALID for a bad struct_size;
 *         KZ_ERR_IO, KZ_ERR_NOMEM. After an I/O or memory
 *         error the writer refuses further work; the committed index is intact.
 */
KZ_API int kz_writer_add(kz_writer *writer, const kz_document *doc, kz_error *err);

/* Callbacks for kz_writer_add_path; every member may be NULL. */
typedef struct kz_ingest_callbacks {
  void *ctx;
  /* A record was skipped: file, 1-based line (0 = the whole file), reason. */
  void (*warn)(void *ctx, const char *path, uint64_t line, const char *message);
  /* Called every few thousand documents; return non-zero to stop (KZ_ERR_INTERRUPTED). */
  int (*progress)(void *ctx, uint64_t documents, uint64_t bytes_read);
} kz_ingest_callbacks;

typedef struct kz_ingest_stats {
  size_t struct_size; /* sizeof(kz_ingest_stats), set by KZ_INGEST_STATS_INIT */
  uint64_t documents; /* added */
  uint64_t skipped;   /* malformed or oversized records, reported through warn */
  uint64_t bytes_read; /* uncompressed input bytes */
  uint64_t empty;     /* documents without any text, reported through warn and not added */
  uint64_t replaced;  /* added documents that replaced one with the same id */
  /* added documents whose "date" did not parse, reported through warn: indexed without a date */
  uint64_t bad_dates;
} kz_ingest_stats;
#define KZ_INGEST_STATS_INIT {sizeof(kz_ingest_stats), 0, 0, 0, 0, 0, 0}

/*
 * Adds every document found at `path`: a JSON Lines file (one object per
 * line with "id", "title", "body", optional "date" and "url"; ".zst" files
 * are decompressed on the fly), a directory (walked recursively: each .txt
 * file is one article whose first non-empty line is its title, .jsonl and
 * .jsonl.zst files are read as above), or "-" for JSON Lines on stdin.
 * Malformed records are reported and skipped. `stats` (may be NULL;
 * initialised with KZ_INGEST_STATS_INIT) is filled even on failure, except
 * for KZ_ERR_INVALID, a bad struct_size.
 * @return KZ_OK; KZ_ERR_IO when `path` cannot be read; KZ_ERR_INTERRUPTED
 *         when progress asked to stop; KZ_ERR_CORRUPT for a damaged .zst.
 */
/*
 * (On failure, the documents added before the error stay added, uncommitted:
 * close the writer without committing to discard them, as the CLI does.)
 */
KZ_API int kz_writer_add_path(kz_writer *writer, const char *path, const kz_ingest_callbacks *cb,
                              kz_ingest_stats *stats, kz_error *err);

/* An acronym definition found in a text: the short form as written, the long form too. */
typedef struct kz_acronym_def {
  const char *short_form, *long_form;
} kz_acronym_def;

/*
 * Called for each document by kz_acronyms_path with the definitions found
 * in its title and body (n may be 0), borrowed for the call. Return non-zero
 * to stop (kz_acronyms_path then returns KZ_ERR_INTERRUPTED).
 */
typedef int (*kz_acronyms_fn)(void *ctx, const char *id, size_t id_len, const kz_acronym_def *defs,
                              size_t n);

/*
 * Finds the acronym definitions of every document at `path` (read as
 * kz_writer_add_path reads it; cb may be NULL, its warn reports skipped
 * records) with the Schwartz & Hearst algorithm that indexing uses
 * (README.md, "Acronyms"). No index is needed.
 * @return KZ_OK; KZ_ERR_IO when `path` cannot be read; KZ_ERR_INTERRUPTED;
 *         KZ_ERR_CORRUPT for a damaged .zst; KZ_ERR_NOMEM.
 */
KZ_API int kz_acronyms_path(const char *path, kz_acronyms_fn fn, void *ctx,
                            const kz_ingest_callbacks *cb, kz_error *err);

/*
 * Deletes the document with this id (invisible to readers after the next
 * commit). Deleting an id that is not in the index is not an error: *found
 * tells whether a document was deleted.
 * @return KZ_OK; KZ_ERR_NOMEM (the writer then refuses further work).
 */
KZ_API int kz_writer_delete(kz_writer *writer, const char *id, size_t id_len, int *found,
                            kz_error *err);

/*
 * Makes every added and deleted document visible atomically (all or
 * nothing). Afterwards, unless the options say no_auto_merge, segments are
 * merged as the merge policy picks (adjacent segments of similar size, ten at
 * a time), each merge its own atomic commit; a merge that fails leaves the
 * segments unmerged and does not fail the commit. Each merge is reported to
 * the options' merge_progress as it starts and ends.
 * @return KZ_OK; KZ_ERR_UNSYNCED when the commit is visible but may not
 *         survive a crash; on any other error nothing was committed.
 */
KZ_API int kz_writer_commit(kz_writer *writer, kz_error *err);

/*
 * Commits, then merges every segment into one, leaving out deleted and
 * replaced documents. Results are the same before and after, except that
 * BM25 statistics stop counting the deleted documents (docs/FORMAT.md,
 * "Deletions"). The commit's changes stay committed even when the merge
 * fails. The merge is reported to merge_progress with `compact` set (after
 * any automatic merges of the commit). @return as kz_writer_commit, or the
 * merge's error.
 */
KZ_API int kz_writer_compact(kz_writer *writer, kz_error *err);

/* Documents added since the writer was opened (committed or not). */
KZ_API uint64_t kz_writer_added(const kz_writer *writer);

/* Releases the writer and its lock; uncommitted documents are discarded. */
KZ_API void kz_writer_close(kz_writer *writer);

#ifdef __cplusplus
}
#endif
#endif /* KZSEARCH_H */
