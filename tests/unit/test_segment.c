/*
 * test_segment.c - the segment writer and reader end to end: a deterministic
 * random corpus (20000 documents; terms with df from 1 to 20000, among them
 * exactly 127, 128, 129, 256, 257 and every document) goes through the
 * inverter and kz_segment_write, plus a matching document store, and is
 * opened with kz_segment_open. The reference is the corpus itself: every
 * term's docs, freqs and positions kept in plain arrays. Checked against it:
 * the segment statistics, kz_segment_lookup (present and absent keys),
 * kz_dict_iter, the postings cursor's next/advance/positions (advance
 * against a plain lower_bound, from random and boundary targets; positions
 * of every document, of some after skipped documents, or read twice), the
 * skip entries' per-block bounds, and the document lengths. Also: a segment
 * of documents without any term, and
 * open's refusal of size mismatches and missing files.
 *
 * The fixture is built once, on first use, and removed at exit.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/docstore_writer.h"
#include "format/file.h"
#include "format/format.h"
#include "format/manifest.h"
#include "format/postblock.h"
#include "format/postings_reader.h"
#include "format/segment_format.h"
#include "format/segment_reader.h"
#include "format/values.h"
#include "indexer/inverter.h"
#include "format/segment_writer.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

/*
 * Writes the inverter's terms as a segment whose documents have the given
 * lengths, in the text field and in the title (keys of field 1 are title
 * terms: their block bounds come from the title lengths), and no dates.
 */
static int write_text_only(const char *dir, uint32_t id, kz_inverter *inv, const uint32_t *lengths,
                           uint32_t n_docs, kz_segment_info *info, kz_error *err) {
  uint32_t *titles = malloc((n_docs ? n_docs : 1) * sizeof *titles);
  int64_t *dates = malloc((n_docs ? n_docs : 1) * sizeof *dates);
  int rc = KZ_ERR_NOMEM;
  if (titles && dates) {
    for (uint32_t d = 0; d < n_docs; d++) {
      titles[d] = lengths[d];
      dates[d] = KZ_VALUE_NONE;
    }
    kz_doc_columns cols = {lengths, titles, dates, n_docs, NULL};
    rc = kz_segment_write(dir, id, inv, &cols, info, err);
  }
  free(titles);
  free(dates);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

#define N_DOCS 20000u
#define N_RANDOM_TERMS 2000u
#define SEGMENT_ID 0x2au

/* One term of the reference corpus. */
typedef struct term_ref {
  char key[300];
  size_t key_len;
  uint32_t df;
  uint64_t cf;
  uint32_t *docs, *freqs;
  size_t *pos_first; /* df + 1 offsets into positions */
  uint32_t *positions;
} term_ref;

typedef struct fixture {
  int built, ok;
  char dir[128];
  uint32_t lengths[N_DOCS];
  term_ref *terms; /* sorted by key; only the terms the segment stores */
  size_t n_terms;
  term_ref dropped; /* a 256-byte key: above KZ_MAX_TERM_KEY_BYTES, so not stored */
  uint64_t n_postings, n_positions, total_length;
  uint32_t max_freq;
  kz_segment_info info;
  kz_segment seg;
} fixture;

static fixture fx;

static int compare_key(const char *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn;
  int c = memcmp(a, b, n);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

static int compare_terms(const void *pa, const void *pb) {
  const term_ref *a = pa, *b = pb;
  return compare_key(a->key, a->key_len, b->key, b->key_len);
}

/* Index of `key` among the reference terms, or -1. */
static long find_ref(const char *key, size_t len) {
  size_t lo = 0, hi = fx.n_terms;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = compare_key(fx.terms[mid].key, fx.terms[mid].key_len, key, len);
    if (c == 0) return (long)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* Small tests' scratch directories, removed at exit too so that a failed CHECK leaves none. */
static char scratch[8][128];
static size_t n_scratch;

static void remove_scratch(void) {
  for (size_t i = 0; i < n_scratch; i++) kz_test_remove_tree(scratch[i]);
  n_scratch = 0;
}

/* A fresh directory $TMPDIR/NAME.XXXXXX. @return its path, or NULL. */
static const char *make_scratch(const char *name) {
  if (n_scratch == sizeof scratch / sizeof *scratch) return NULL;
  if (!kz_test_make_temp_dir(scratch[n_scratch], sizeof scratch[0], name)) return NULL;
  if (n_scratch == 0) atexit(remove_scratch);
  return scratch[n_scratch++];
}

static void free_term(term_ref *t) {
  free(t->docs);
  free(t->freqs);
  free(t->pos_first);
  free(t->positions);
}

static void fixture_free(void) {
  if (fx.built) kz_segment_close(&fx.seg);
  for (size_t i = 0; i < fx.n_terms; i++) free_term(&fx.terms[i]);
  free(fx.terms);
  free_term(&fx.dropped);
  if (fx.dir[0]) kz_test_remove_tree(fx.dir);
}

/* Picks df distinct documents in increasing order. */
static void pick_docs(kz_test_rng *r, uint32_t df, uint32_t *docs, uint8_t *mark) {
  if ((uint64_t)df * 4 > N_DOCS) { /* selection sampling */
    uint32_t need = df, n = 0;
    for (uint32_t d = 0; d < N_DOCS && need; d++)
      if (kz_test_rand_below(r, N_DOCS - d) < need) docs[n++] = d, need--;
    return;
  }
  for (uint32_t i = 0; i < df;) {
    uint32_t d = (uint32_t)kz_test_rand_below(r, N_DOCS);
    if (!mark[d]) mark[d] = 1, i++;
  }
  for (uint32_t d = 0, n = 0; n < df; d++)
    if (mark[d]) docs[n++] = d, mark[d] = 0;
}

/* Freqs (mostly 1 to 3, sometimes up to 300) and increasing positions for each posting. */
static void fill_postings(kz_test_rng *r, term_ref *t, int freq_one) {
  t->freqs = malloc(t->df * sizeof *t->freqs);
  t->pos_first = malloc((t->df + 1) * sizeof *t->pos_first);
  t->cf = 0;
  for (uint32_t i = 0; i < t->df; i++) {
    size_t k = kz_test_rand_below(r, 1000);
    uint32_t f = freq_one  ? 1
                 : k < 600 ? 1
                 : k < 900 ? 2 + (uint32_t)kz_test_rand_below(r, 2)
                 : k < 998 ? 4 + (uint32_t)kz_test_rand_below(r, 30)
                           : 100 + (uint32_t)kz_test_rand_below(r, 200);
    t->freqs[i] = f;
    t->pos_first[i] = (size_t)t->cf;
    t->cf += f;
    if (f > fx.max_freq) fx.max_freq = f;
  }
  t->pos_first[t->df] = (size_t)t->cf;
  t->positions = malloc((size_t)t->cf * sizeof *t->positions);
  for (uint32_t i = 0; i < t->df; i++) {
    /* First positions from 0 to ~2^20 so that their varints take 1 to 3 bytes. */
    uint32_t p = kz_test_rand_below(r, 4) == 0 ? (uint32_t)kz_test_rand_below(r, 1u << 20)
                                               : (uint32_t)kz_test_rand_below(r, 100);
    for (size_t j = t->pos_first[i]; j < t->pos_first[i + 1]; j++) {
      t->positions[j] = p;
      p += 1 + (uint32_t)(kz_test_rand_below(r, 8) == 0 ? kz_test_rand_below(r, 5000)
                                                        : kz_test_rand_below(r, 4));
    }
  }
}

static void random_key(kz_test_rng *r, term_ref *t) {
  static const char alpha[] = "abcdefgh\x80\xc3\xff";
  t->key[0] = kz_test_rand_below(r, 10) == 0 ? (char)KZ_FIELD_TITLE : (char)KZ_FIELD_TEXT;
  size_t len = 1 + kz_test_rand_below(r, 12);
  for (size_t i = 0; i < len; i++)
    t->key[1 + i] = kz_test_rand_below(r, 6) == 0 ? alpha[8 + kz_test_rand_below(r, 3)]
                                                  : alpha[kz_test_rand_below(r, 8)];
  t->key_len = 1 + len;
}

/* Builds the corpus, the inverter, the segment files and the store, then opens the segment. */
static int fixture_build(void) {
  if (fx.built) return fx.ok;
  fx.built = 1;
  atexit(fixture_free);
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x5eed5eed12345ull);
  if (!kz_test_make_temp_dir(fx.dir, sizeof fx.dir, "kz_test_segment")) {
    fx.dir[0] = 0;
    return 0;
  }
  /* Terms: fixed document frequencies at and around block sizes, then random ones. */
  static const uint32_t fixed_df[] = {1, 2, 3, 127, 128, 129, 255, 256, 257, 383, 384, 385, 1000,
                                      4096, 10000, 19999, N_DOCS, N_DOCS};
  size_t n_fixed = sizeof fixed_df / sizeof *fixed_df;
  size_t cap = n_fixed + N_RANDOM_TERMS + 4;
  fx.terms = calloc(cap, sizeof *fx.terms);
  size_t n = 0;
  for (size_t i = 0; i < n_fixed; i++, n++) {
    term_ref *t = &fx.terms[n];
    t->key[0] = KZ_FIELD_TEXT;
    t->key_len = 1 + (size_t)snprintf(t->key + 1, sizeof t->key - 1, "df%u_%zu", fixed_df[i], i);
    t->df = fixed_df[i];
  }
  /* The longest storable key, and one a byte shorter (sharing its prefix). */
  for (size_t len = KZ_MAX_TERM_KEY_BYTES - 1; len <= KZ_MAX_TERM_KEY_BYTES; len++, n++) {
    term_ref *t = &fx.terms[n];
    t->key[0] = KZ_FIELD_TEXT;
    memset(t->key + 1, 'q', len - 1);
    t->key_len = len;
    t->df = (uint32_t)(len == KZ_MAX_TERM_KEY_BYTES ? 300 : 5);
  }
  while (n < cap) {
    term_ref *t = &fx.terms[n];
    random_key(&r, t);
    /* df log-uniform in 1..2000, a few up to 20000. */
    double u = (double)kz_test_rand_below(&r, 1000000) / 1e6;
    double top = kz_test_rand_below(&r, 100) == 0 ? 20000.0 : 2000.0;
    t->df = (uint32_t)exp(u * log(top));
    if (t->df < 1) t->df = 1;
    if (t->df > N_DOCS) t->df = N_DOCS;
    n++;
  }
  qsort(fx.terms, n, sizeof *fx.terms, compare_terms);
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    if (w == 0 || compare_terms(&fx.terms[i], &fx.terms[w - 1]) != 0) fx.terms[w++] = fx.terms[i];
  fx.n_terms = w;

  uint8_t *mark = calloc(N_DOCS, 1);
  for (size_t i = 0; i < fx.n_terms; i++) {
    term_ref *t = &fx.terms[i];
    t->docs = malloc(t->df * sizeof *t->docs);
    pick_docs(&r, t->df, t->docs, mark);
    /* Every-document terms: one with all freqs 1 (gap and freq widths of 0), one random. */
    fill_postings(&r, t, t->df == N_DOCS && strncmp(t->key + 1, "df20000_16", 10) == 0);
    fx.n_postings += t->df;
    fx.n_positions += t->cf;
  }
  free(mark);
  /* A key too long to store; the writer skips it. */
  fx.dropped.key[0] = KZ_FIELD_TEXT;
  memset(fx.dropped.key + 1, 'q', KZ_MAX_TERM_KEY_BYTES);
  fx.dropped.key_len = KZ_MAX_TERM_KEY_BYTES + 1;
  fx.dropped.df = 3;
  fx.dropped.docs = malloc(3 * sizeof *fx.dropped.docs);
  fx.dropped.docs[0] = 0, fx.dropped.docs[1] = 7, fx.dropped.docs[2] = N_DOCS - 1;
  fill_postings(&r, &fx.dropped, 0);

  /* Per document: the (term, posting) pairs it holds, in CSR form. */
  uint32_t *count = calloc(N_DOCS + 1, sizeof *count);
  for (size_t i = 0; i < fx.n_terms; i++)
    for (uint32_t j = 0; j < fx.terms[i].df; j++) count[fx.terms[i].docs[j] + 1]++;
  for (uint32_t d = 0; d < N_DOCS; d++) count[d + 1] += count[d];
  uint32_t *fill = malloc(N_DOCS * sizeof *fill);
  memcpy(fill, count, N_DOCS * sizeof *fill);
  uint32_t(*pairs)[2] = malloc((fx.n_postings ? fx.n_postings : 1) * sizeof *pairs);
  for (size_t i = 0; i < fx.n_terms; i++)
    for (uint32_t j = 0; j < fx.terms[i].df; j++) {
      uint32_t d = fx.terms[i].docs[j];
      pairs[fill[d]][0] = (uint32_t)i;
      pairs[fill[d]++][1] = j;
    }
  free(fill);

  kz_inverter *inv = NULL;
  int ok = kz_inverter_new(&inv) == KZ_OK;
  uint32_t dropped_j = 0;
  for (uint32_t d = 0; d < N_DOCS && ok; d++) {
    kz_inverter_begin_doc(inv, d);
    uint64_t len = 0, end = 0; /* tokens, and one past the last position */
    /* Terms in reverse key order inside a document: the inverter must not care. */
    for (uint32_t k = count[d + 1]; k-- > count[d] && ok;) {
      const term_ref *t = &fx.terms[pairs[k][0]];
      uint32_t j = pairs[k][1];
      for (size_t p = t->pos_first[j]; p < t->pos_first[j + 1] && ok; p++) {
        ok = kz_inverter_add(inv, t->key, t->key_len, t->positions[p]) == KZ_OK;
        if (t->positions[p] >= end) end = (uint64_t)t->positions[p] + 1;
      }
      len += t->freqs[j];
    }
    if (dropped_j < 3 && fx.dropped.docs[dropped_j] == d) {
      for (size_t p = fx.dropped.pos_first[dropped_j]; p < fx.dropped.pos_first[dropped_j + 1]; p++) {
        ok = ok && kz_inverter_add(inv, fx.dropped.key, fx.dropped.key_len, fx.dropped.positions[p]) == KZ_OK;
        if (fx.dropped.positions[p] >= end) end = (uint64_t)fx.dropped.positions[p] + 1;
      }
      dropped_j++;
    }
    ok = ok && kz_inverter_end_doc(inv) == KZ_OK;
    /* Positions lie inside the document, so its length passes the last one. */
    if (end > len) len = end;
    fx.lengths[d] =
        (uint32_t)len + (uint32_t)kz_test_rand_below(&r, 50) + (d % 1000 == 0 ? 1000000u : 0);
    fx.total_length += fx.lengths[d];
  }
  free(count);
  free(pairs);
  kz_error err;
  memset(&err, 0, sizeof err);
  if (ok && write_text_only(fx.dir, SEGMENT_ID, inv, fx.lengths, N_DOCS, &fx.info, &err) != KZ_OK) {
    fprintf(stderr, "kz_segment_write: %s\n", err.message);
    ok = 0;
  }
  kz_inverter_free(inv);

  char path[256], name[64];
  kz_segment_file_name(name, sizeof name, SEGMENT_ID, KZ_SEGFILE_STORE);
  snprintf(path, sizeof path, "%s/%s", fx.dir, name);
  kz_docstore_writer *store = NULL;
  ok = ok && kz_docstore_writer_open(&store, path) == KZ_OK;
  for (uint32_t d = 0; d < N_DOCS && ok; d++) {
    char id[32];
    int id_len = snprintf(id, sizeof id, "doc-%u", d);
    kz_document doc = {sizeof(kz_document), id, (size_t)id_len, "t", 1, NULL, 0, NULL, 0, NULL, 0};
    if (kz_docstore_writer_add(store, &doc) != KZ_OK) {
      kz_docstore_writer_abort(store);
      ok = 0;
    }
  }
  ok = ok && kz_docstore_writer_finish(store, &fx.info.file_bytes[KZ_SEGFILE_STORE]) == KZ_OK;
  if (ok && kz_segment_open(&fx.seg, fx.dir, &fx.info, &err) != KZ_OK) {
    fprintf(stderr, "kz_segment_open: %s\n", err.message);
    ok = 0;
  }
  fx.ok = ok;
  if (ok)
    printf("segment fixture: %zu terms, %llu postings, %llu positions, max freq %u\n", fx.n_terms,
           (unsigned long long)fx.n_postings, (unsigned long long)fx.n_positions, fx.max_freq);
  return ok;
}

/*
 * Compares the cursor's current positions with the reference posting j of t,
 * read once or, depending on the document, twice in a row (the second read
 * starts over from the block's first run).
 */
static int positions_match(kz_postings *c, const term_ref *t, uint32_t j, uint32_t *buf) {
  uint32_t how = (t->docs[j] * 2654435761u) >> 30; /* 0..3, fixed per document */
  int got = kz_postings_positions(c, buf, fx.max_freq);
  if (how == 3 && got == (int)t->freqs[j]) {
    memset(buf, 0, (size_t)got * sizeof *buf);
    got = kz_postings_positions(c, buf, fx.max_freq);
  }
  if (got != (int)t->freqs[j]) {
    fprintf(stderr, "term %zu bytes, doc %u: %d positions, expected %u\n", t->key_len, t->docs[j],
            got, t->freqs[j]);
    return 0;
  }
  for (uint32_t k = 0; k < t->freqs[j]; k++)
    if (buf[k] != t->positions[t->pos_first[j] + k]) {
      fprintf(stderr, "doc %u position %u: %u, expected %u\n", t->docs[j], k, buf[k],
              t->positions[t->pos_first[j] + k]);
      return 0;
    }
  return 1;
}

static uint32_t lower_bound(const term_ref *t, uint32_t target) {
  uint32_t lo = 0, hi = t->df;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (t->docs[mid] < target)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                    */
/* ------------------------------------------------------------------------ */

static void test_segment__records_statistics_and_valid_files(void) {
  CHECK(fixture_build());
  const kz_segment_info *i = &fx.info;
  CHECK_EQ_INT(i->id, SEGMENT_ID);
  CHECK_EQ_INT(i->doc_count, N_DOCS);
  CHECK_EQ_INT(i->n_terms, fx.n_terms);
  CHECK_EQ_INT(i->n_postings, fx.n_postings);
  CHECK_EQ_INT(i->n_positions, fx.n_positions);
  CHECK_EQ_INT(i->total_length, fx.total_length);
  CHECK_EQ_INT(fx.seg.dict_terms, fx.n_terms);
  CHECK_EQ_INT(fx.seg.dict_blocks, (fx.n_terms + KZ_DICT_BLOCK_TERMS - 1) / KZ_DICT_BLOCK_TERMS);
  for (int k = 0; k < KZ_SEGFILES; k++) {
    if (!kz_segfile_present(i, k)) continue;
    CHECK_EQ_INT(fx.seg.file[k].size, i->file_bytes[k]);
    CHECK_EQ_INT(kz_file_verify_checksum(&fx.seg.file[k]), KZ_OK);
  }
  CHECK_EQ_INT(fx.seg.file[KZ_SEGFILE_NORMS].body_size, 4 + 4ull * N_DOCS);
}

static void test_segment__lookup_finds_every_term(void) {
  CHECK(fixture_build());
  for (size_t i = 0; i < fx.n_terms; i++) {
    const term_ref *t = &fx.terms[i];
    kz_term_info info;
    memset(&info, 0, sizeof info);
    int rc = kz_segment_lookup(&fx.seg, t->key, t->key_len, &info);
    if (rc != 1) fprintf(stderr, "term #%zu (%zu bytes) not found: %d\n", i, t->key_len, rc);
    CHECK_EQ_INT(rc, 1);
    CHECK_EQ_INT(info.df, t->df);
    CHECK_EQ_INT(info.cf, t->cf);
    uint64_t blocks = (t->df + KZ_BLOCK_DOCS - 1) / KZ_BLOCK_DOCS;
    CHECK(info.post_len > (blocks > 1 ? blocks * KZ_SKIP_ENTRY_BYTES : 0));
    /* At least a one-byte run per 128 positions of each block. */
    CHECK(info.pos_len >= (t->cf + KZ_PACK_VALUES - 1) / KZ_PACK_VALUES);
  }
}

static void test_segment__lookup_misses_absent_terms(void) {
  CHECK(fixture_build());
  kz_term_info info;
  /* Before the first key, after the last, and the skipped over-long key. */
  static const char before[] = {0};
  CHECK(find_ref(before, 1) < 0);
  CHECK_EQ_INT(kz_segment_lookup(&fx.seg, before, 0, &info), 0);
  CHECK_EQ_INT(kz_segment_lookup(&fx.seg, before, 1, &info), 0);
  CHECK_EQ_INT(kz_segment_lookup(&fx.seg, "\xff", 1, &info), 0);
  CHECK_EQ_INT(kz_segment_lookup(&fx.seg, "\x02" "a", 2, &info), 0);
  CHECK_EQ_INT(kz_segment_lookup(&fx.seg, "\xff\xff\xff\xff", 4, &info), 0);
  CHECK_EQ_INT(kz_segment_lookup(&fx.seg, fx.dropped.key, fx.dropped.key_len, &info), 0);
  /* Around every stored key: a byte appended, the last byte dropped, raised or lowered. */
  size_t probes = 0, absent = 0;
  char key[300];
  for (size_t i = 0; i < fx.n_terms; i++) {
    const term_ref *t = &fx.terms[i];
    for (int v = 0; v < 5; v++) {
      size_t len = t->key_len;
      memcpy(key, t->key, len);
      if (v == 0) key[len++] = 0;
      else if (v == 1) key[len++] = (char)0xff;
      else if (v == 2) len--;
      else if (v == 3) key[len - 1] = (char)((uint8_t)key[len - 1] + 1);
      else key[len - 1] = (char)((uint8_t)key[len - 1] - 1);
      if (len > KZ_MAX_TERM_KEY_BYTES + 1) continue;
      long ref = find_ref(key, len);
      memset(&info, 0, sizeof info);
      int rc = kz_segment_lookup(&fx.seg, key, len, &info);
      probes++;
      if (ref < 0) {
        absent++;
        if (rc != 0) fprintf(stderr, "probe %d of term #%zu: %d, expected absent\n", v, i, rc);
        CHECK_EQ_INT(rc, 0);
      } else {
        CHECK_EQ_INT(rc, 1);
        CHECK_EQ_INT(info.df, fx.terms[ref].df);
      }
    }
  }
  CHECK(absent > fx.n_terms);
  printf("lookup: %zu probes around stored keys, %zu absent\n", probes, absent);
}

static void test_segment__dict_iter_visits_all_terms_in_order(void) {
  CHECK(fixture_build());
  kz_dict_iter it;
  kz_dict_iter_init(&it, &fx.seg);
  size_t i = 0;
  uint64_t post_end = KZ_FILE_HEADER_BYTES, pos_end = KZ_FILE_HEADER_BYTES;
  int rc;
  while ((rc = kz_dict_iter_next(&it)) == 1) {
    CHECK(i < fx.n_terms);
    const term_ref *t = &fx.terms[i];
    CHECK_EQ_INT(compare_key(it.key, it.key_len, t->key, t->key_len), 0);
    CHECK_EQ_INT(it.info.df, t->df);
    CHECK_EQ_INT(it.info.cf, t->cf);
    /* The postings and positions files are the terms' data in key order, back to back. */
    CHECK_EQ_INT(it.info.post_off, post_end);
    CHECK_EQ_INT(it.info.pos_off, pos_end);
    post_end += it.info.post_len;
    pos_end += it.info.pos_len;
    kz_term_info looked;
    CHECK_EQ_INT(kz_segment_lookup(&fx.seg, t->key, t->key_len, &looked), 1);
    CHECK(memcmp(&looked, &it.info, sizeof looked) == 0);
    i++;
  }
  CHECK_EQ_INT(rc, 0);
  CHECK_EQ_INT(i, fx.n_terms);
  CHECK_EQ_INT(kz_dict_iter_next(&it), 0); /* stays at the end */
  CHECK_EQ_INT(post_end, fx.info.file_bytes[KZ_SEGFILE_POSTINGS] - KZ_FILE_FOOTER_BYTES);
  CHECK_EQ_INT(pos_end, fx.info.file_bytes[KZ_SEGFILE_POSITIONS] - KZ_FILE_FOOTER_BYTES);
}

static void test_segment__postings_next_yields_docs_freqs_positions(void) {
  CHECK(fixture_build());
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 77);
  uint32_t *buf = malloc(fx.max_freq * sizeof *buf);
  int ok = 1;
  for (size_t i = 0; i < fx.n_terms && ok; i++) {
    const term_ref *t = &fx.terms[i];
    kz_term_info info;
    CHECK_EQ_INT(kz_segment_lookup(&fx.seg, t->key, t->key_len, &info), 1);
    int error = 0;
    kz_postings c;
    kz_postings_init(&c, &fx.seg, &info, &error);
    /* Read positions of every doc, of none, or of a random half (skipping the rest). */
    int mode = (int)(i % 3);
    for (uint32_t j = 0; j < t->df && ok; j++) {
      uint32_t d = kz_postings_next(&c);
      if (d != t->docs[j] || kz_postings_freq(&c) != t->freqs[j]) {
        fprintf(stderr, "term #%zu posting %u: doc %u freq %u, expected doc %u freq %u\n", i, j, d,
                d == KZ_DOC_END ? 0 : kz_postings_freq(&c), t->docs[j], t->freqs[j]);
        ok = 0;
      }
      if (ok && (mode == 0 || (mode == 2 && kz_test_rand_below(&r, 2) == 0)))
        ok = positions_match(&c, t, j, buf);
    }
    if (ok && (kz_postings_next(&c) != KZ_DOC_END || kz_postings_next(&c) != KZ_DOC_END ||
               kz_postings_advance(&c, 0) != KZ_DOC_END)) {
      fprintf(stderr, "term #%zu does not end after %u postings\n", i, t->df);
      ok = 0;
    }
    if (ok && error != 0) {
      fprintf(stderr, "term #%zu: error %d\n", i, error);
      ok = 0;
    }
  }
  free(buf);
  CHECK(ok);
}

/* One random walk of next/advance calls over term t, checked step by step. */
static int walk(kz_test_rng *r, const term_ref *t, const kz_term_info *info, uint32_t *buf,
                size_t *ops) {
  int error = 0;
  kz_postings c;
  kz_postings_init(&c, &fx.seg, info, &error);
  long j = -1; /* reference index of the current posting; -1 before the first */
  uint32_t last = t->docs[t->df - 1];
  for (int step = 0; step < 400; step++) {
    uint32_t target = 0, got;
    long want;
    /* next() a quarter of the time; the moves to the end rarely, so walks last. */
    static const int ops_table[20] = {0, 0, 0, 0, 0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 10, 11, 11, 11};
    size_t pick = kz_test_rand_below(r, 41);
    int op = pick == 40 ? 8 + (int)kz_test_rand_below(r, 2) : ops_table[pick / 2];
    uint32_t cur = j < 0 ? 0 : t->docs[j];
    uint32_t blk = j < 0 ? 0 : (uint32_t)j / KZ_BLOCK_DOCS;
    if (op == 0) {
      got = kz_postings_next(&c);
      want = j + 1;
    } else {
      switch (op) {
      case 1: target = cur; break;                                             /* the current doc */
      case 2: target = cur + 1; break;
      case 3: { /* a few docs ahead: usually inside the current block */
        long k = j + 1 + (long)kz_test_rand_below(r, 40);
        target = t->docs[k < (long)t->df ? k : (long)t->df - 1];
        break;
      }
      case 4: { /* the first doc of a later block, or its last */
        uint32_t b = blk + 1 + (uint32_t)kz_test_rand_below(r, 3);
        uint32_t k = b * KZ_BLOCK_DOCS - (uint32_t)kz_test_rand_below(r, 2);
        target = k < t->df ? t->docs[k] : last;
        break;
      }
      case 5: { /* one past the last doc of this or the next block */
        uint32_t k = (blk + 1 + (uint32_t)kz_test_rand_below(r, 2)) * KZ_BLOCK_DOCS - 1;
        target = (k < t->df ? t->docs[k] : last) + 1;
        break;
      }
      case 6: target = cur + (uint32_t)kz_test_rand_below(r, N_DOCS / 8 + 1); break;
      case 7: /* often behind: no move */
        target = (uint32_t)kz_test_rand_below(r, N_DOCS + 10);
        break;
      case 8: /* the last doc or beyond */
        target = last + (uint32_t)kz_test_rand_below(r, 3);
        break;
      case 9: target = kz_test_rand_below(r, 2) ? N_DOCS : KZ_DOC_END; break;
      case 10: target = cur ? cur - 1 : 0; break;
      default: target = t->docs[kz_test_rand_below(r, t->df)]; break; /* some doc of the term */
      }
      got = kz_postings_advance(&c, target);
      if (j >= 0 && cur >= target)
        want = j;
      else {
        want = (long)lower_bound(t, target);
        if (want < j) want = j;
      }
    }
    (*ops)++;
    uint32_t want_doc = want < (long)t->df ? t->docs[want] : KZ_DOC_END;
    if (got != want_doc) {
      fprintf(stderr, "df %u, step %d: op %d target %u from doc %u (index %ld): got %u, expected %u\n",
              t->df, step, op, target, cur, j, got, want_doc);
      return 0;
    }
    if (want >= (long)t->df) { /* exhausted, and stays so */
      if (kz_postings_next(&c) != KZ_DOC_END || kz_postings_advance(&c, 0) != KZ_DOC_END) {
        fprintf(stderr, "df %u: the cursor moved after its end\n", t->df);
        return 0;
      }
      break;
    }
    j = want;
    if (kz_postings_freq(&c) != t->freqs[j]) {
      fprintf(stderr, "df %u, doc %u: freq %u, expected %u\n", t->df, got, kz_postings_freq(&c), t->freqs[j]);
      return 0;
    }
    if (kz_test_rand_below(r, 3) == 0 && !positions_match(&c, t, (uint32_t)j, buf)) return 0;
  }
  if (error != 0) {
    fprintf(stderr, "df %u: cursor error %d\n", t->df, error);
    return 0;
  }
  return 1;
}

static void test_segment__postings_advance_matches_lower_bound(void) {
  CHECK(fixture_build());
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64, 4242);
  uint32_t *buf = malloc(fx.max_freq * sizeof *buf);
  size_t ops = 0, walks = 0;
  int ok = 1;
  for (size_t i = 0; i < fx.n_terms && ok; i++) {
    const term_ref *t = &fx.terms[i];
    kz_term_info info;
    CHECK_EQ_INT(kz_segment_lookup(&fx.seg, t->key, t->key_len, &info), 1);
    int runs = t->df > 2 * KZ_BLOCK_DOCS ? 30 : t->df > 16 ? 4 : 1;
    for (int k = 0; k < runs && ok; k++, walks++) ok = walk(&r, t, &info, buf, &ops);
  }
  /* advance() as the very first call, to each of a block's edges, on the every-doc term. */
  long all = -1;
  for (size_t i = 0; i < fx.n_terms; i++)
    if (fx.terms[i].df == N_DOCS) all = (long)i;
  CHECK(all >= 0);
  const term_ref *t = &fx.terms[all];
  kz_term_info info;
  CHECK_EQ_INT(kz_segment_lookup(&fx.seg, t->key, t->key_len, &info), 1);
  static const uint32_t firsts[] = {0, 1, 127, 128, 129, 255, 256, 12799, 12800, N_DOCS - 129,
                                    N_DOCS - 128, N_DOCS - 1, N_DOCS, KZ_DOC_END};
  for (size_t k = 0; k < sizeof firsts / sizeof *firsts && ok; k++) {
    int error = 0;
    kz_postings c;
    kz_postings_init(&c, &fx.seg, &info, &error);
    uint32_t got = kz_postings_advance(&c, firsts[k]);
    uint32_t want = firsts[k] < N_DOCS ? firsts[k] : KZ_DOC_END;
    if (got != want) fprintf(stderr, "first advance to %u: %u\n", firsts[k], got), ok = 0;
    if (ok && want != KZ_DOC_END) {
      ok = positions_match(&c, t, want, buf);
      /* then next() crosses into the following block if there is one */
      uint32_t n = kz_postings_next(&c);
      ok = ok && n == (want + 1 < N_DOCS ? want + 1 : KZ_DOC_END);
      if (ok && n != KZ_DOC_END) ok = positions_match(&c, t, n, buf);
    }
    ok = ok && error == 0;
  }
  free(buf);
  printf("advance: %zu walks, %zu operations\n", walks, ops);
  CHECK(ok);
}

static void test_segment__skip_entries_bound_each_block(void) {
  CHECK(fixture_build());
  size_t checked = 0;
  for (size_t i = 0; i < fx.n_terms; i++) {
    const term_ref *t = &fx.terms[i];
    if (t->df <= KZ_BLOCK_DOCS) continue;
    kz_term_info info;
    CHECK_EQ_INT(kz_segment_lookup(&fx.seg, t->key, t->key_len, &info), 1);
    int error = 0;
    kz_postings c;
    kz_postings_init(&c, &fx.seg, &info, &error);
    CHECK(c.skip != NULL);
    CHECK_EQ_INT(c.n_blocks, (t->df + KZ_BLOCK_DOCS - 1) / KZ_BLOCK_DOCS);
    for (uint32_t b = 0; b < c.n_blocks; b++) {
      uint32_t max_tf = 0, min_len = UINT32_MAX;
      for (uint32_t j = b * KZ_BLOCK_DOCS; j < t->df && j < (b + 1) * KZ_BLOCK_DOCS; j++) {
        if (t->freqs[j] > max_tf) max_tf = t->freqs[j];
        if (fx.lengths[t->docs[j]] < min_len) min_len = fx.lengths[t->docs[j]];
      }
      CHECK_EQ_INT(kz_postings_block_max_tf(&c, b), max_tf);
      CHECK_EQ_INT(kz_postings_block_min_length(&c, b), min_len);
      checked++;
    }
    CHECK_EQ_INT(error, 0);
  }
  CHECK(checked > 1000);
}

static void test_segment__doc_lengths_round_trip(void) {
  CHECK(fixture_build());
  for (uint32_t d = 0; d < N_DOCS; d++) {
    if (kz_segment_doc_length(&fx.seg, d) != fx.lengths[d])
      fprintf(stderr, "doc %u: length %u, expected %u\n", d, kz_segment_doc_length(&fx.seg, d),
              fx.lengths[d]);
    CHECK_EQ_INT(kz_segment_doc_length(&fx.seg, d), fx.lengths[d]);
  }
  /* The stored documents line up with the postings' numbers too. */
  kz_stored_doc doc = KZ_STORED_DOC_INIT;
  static const uint32_t probe[] = {0, 1, 4999, N_DOCS - 1};
  for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
    char id[32];
    snprintf(id, sizeof id, "doc-%u", probe[i]);
    CHECK_EQ_INT(kz_docstore_get(&fx.seg.store, probe[i], &doc), KZ_OK);
    CHECK_EQ_STR(doc.field[KZ_STORED_ID], id);
  }
  kz_stored_doc_free(&doc);
}

/* Writes a segment of n_docs documents that hold no term, plus its store. */
static int write_termless(const char *dir, uint32_t id, uint32_t n_docs, kz_segment_info *info,
                          kz_error *err) {
  kz_inverter *inv;
  if (kz_inverter_new(&inv) != KZ_OK) return KZ_ERR_NOMEM;
  uint32_t lengths[8] = {0, 3, 0, 1, 0, 0, 0, 9};
  for (uint32_t d = 0; d < n_docs; d++) {
    kz_inverter_begin_doc(inv, d);
    kz_inverter_end_doc(inv);
  }
  int rc = write_text_only(dir, id, inv, lengths, n_docs, info, err);
  kz_inverter_free(inv);
  if (rc) return rc;
  char name[64], path[256];
  kz_segment_file_name(name, sizeof name, id, KZ_SEGFILE_STORE);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  kz_docstore_writer *store;
  if ((rc = kz_docstore_writer_open(&store, path))) return rc;
  for (uint32_t d = 0; d < n_docs; d++) {
    kz_document doc = {sizeof(kz_document), "x", 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0};
    if ((rc = kz_docstore_writer_add(store, &doc))) {
      kz_docstore_writer_abort(store);
      return rc;
    }
  }
  return kz_docstore_writer_finish(store, &info->file_bytes[KZ_SEGFILE_STORE]);
}

static void test_segment__empty_dictionary_opens_and_finds_nothing(void) {
  const char *dir = make_scratch("kz_test_segment_empty");
  CHECK(dir);
  kz_segment_info info;
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = write_termless(dir, 1, 8, &info, &err);
  if (rc) fprintf(stderr, "termless segment: %s\n", err.message);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK_EQ_INT(info.n_terms, 0);
  CHECK_EQ_INT(info.n_postings, 0);
  CHECK_EQ_INT(info.total_length, 13);
  kz_segment seg;
  rc = kz_segment_open(&seg, dir, &info, &err);
  if (rc) fprintf(stderr, "open: %s\n", err.message);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK_EQ_INT(seg.dict_blocks, 0);
  CHECK_EQ_INT(seg.dict_terms, 0);
  kz_term_info ti;
  CHECK_EQ_INT(kz_segment_lookup(&seg, "\0a", 2, &ti), 0);
  CHECK_EQ_INT(kz_segment_lookup(&seg, "", 0, &ti), 0);
  kz_dict_iter it;
  kz_dict_iter_init(&it, &seg);
  CHECK_EQ_INT(kz_dict_iter_next(&it), 0);
  CHECK_EQ_INT(kz_dict_iter_next(&it), 0);
  CHECK_EQ_INT(kz_segment_doc_length(&seg, 7), 9);
  kz_segment_close(&seg);

  /* Zero documents: the writer and the reader accept it (the manifest never records one). */
  kz_segment_info none;
  rc = write_termless(dir, 2, 0, &none, &err);
  CHECK_EQ_INT(rc, KZ_OK);
  rc = kz_segment_open(&seg, dir, &none, &err);
  if (rc) fprintf(stderr, "zero documents: %s\n", err.message);
  CHECK_EQ_INT(rc, KZ_OK);
  kz_segment_close(&seg);
  kz_test_remove_tree(dir);
}

static void test_segment__open_rejects_size_mismatch_and_missing_files(void) {
  const char *dir = make_scratch("kz_test_segment_open");
  CHECK(dir);
  kz_segment_info info;
  kz_error err;
  CHECK_EQ_INT(write_termless(dir, 3, 8, &info, &err), KZ_OK);
  kz_segment seg;
  for (int k = 0; k < KZ_SEGFILES; k++) {
    if (!kz_segfile_present(&info, k)) continue;
    kz_segment_info bad = info;
    bad.file_bytes[k]++;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(kz_segment_open(&seg, dir, &bad, &err), KZ_ERR_CORRUPT);
    CHECK(strstr(err.message, kz_segfile_ext[k]) != NULL);
    bad = info;
    bad.file_bytes[k]--;
    CHECK_EQ_INT(kz_segment_open(&seg, dir, &bad, &err), KZ_ERR_CORRUPT);
  }
  kz_segment_info bad = info;
  bad.doc_count = 7; /* norms and store say 8 */
  CHECK_EQ_INT(kz_segment_open(&seg, dir, &bad, &err), KZ_ERR_CORRUPT);
  bad = info;
  bad.n_terms = 1; /* the dictionary says 0 */
  CHECK_EQ_INT(kz_segment_open(&seg, dir, &bad, &err), KZ_ERR_CORRUPT);
  bad = info;
  bad.id = 4; /* no such files */
  CHECK_EQ_INT(kz_segment_open(&seg, dir, &bad, &err), KZ_ERR_IO);
  CHECK_EQ_INT(kz_segment_open(&seg, dir, &info, &err), KZ_OK);
  kz_segment_close(&seg);
  kz_test_remove_tree(dir);
}

static size_t count_entries(const char *dir) {
  DIR *d = opendir(dir);
  size_t n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  if (d) closedir(d);
  return n;
}

static void test_segment__failed_write_leaves_no_files(void) {
  const char *dir = make_scratch("kz_test_segment_fail");
  CHECK(dir);
  kz_inverter *inv;
  CHECK_EQ_INT(kz_inverter_new(&inv), KZ_OK);
  kz_inverter_begin_doc(inv, 0);
  CHECK_EQ_INT(kz_inverter_add(inv, "\0word", 5, 0), KZ_OK);
  CHECK_EQ_INT(kz_inverter_end_doc(inv), KZ_OK);
  uint32_t length = 1;
  /* The positions file cannot be created: a directory has its name. */
  char name[64], blocker[256];
  kz_segment_file_name(name, sizeof name, 5, KZ_SEGFILE_POSITIONS);
  snprintf(blocker, sizeof blocker, "%s/%s", dir, name);
  CHECK_EQ_INT(mkdir(blocker, 0755), 0);
  kz_segment_info info;
  kz_error err;
  memset(&err, 0, sizeof err);
  CHECK_EQ_INT(write_text_only(dir, 5, inv, &length, 1, &info, &err), KZ_ERR_IO);
  CHECK_EQ_INT(err.code, KZ_ERR_IO);
  CHECK(strstr(err.message, dir) != NULL);
  CHECK_EQ_INT(count_entries(dir), 1); /* the dict, post and norm files were removed */
  rmdir(blocker);
  /* A directory that does not exist. */
  char missing[300];
  snprintf(missing, sizeof missing, "%s/missing", dir);
  CHECK_EQ_INT(write_text_only(missing, 5, inv, &length, 1, &info, &err), KZ_ERR_IO);
  /* The inverter is intact: the same segment can be written once the way is clear. */
  CHECK_EQ_INT(write_text_only(dir, 5, inv, &length, 1, &info, &err), KZ_OK);
  CHECK_EQ_INT(info.n_terms, 1);
  CHECK_EQ_INT(count_entries(dir), 6);
  kz_inverter_free(inv);
  kz_test_remove_tree(dir);
}

KZ_TEST_MAIN(KZ_TEST(test_segment__records_statistics_and_valid_files),
             KZ_TEST(test_segment__lookup_finds_every_term),
             KZ_TEST(test_segment__lookup_misses_absent_terms),
             KZ_TEST(test_segment__dict_iter_visits_all_terms_in_order),
             KZ_TEST(test_segment__postings_next_yields_docs_freqs_positions),
             KZ_TEST(test_segment__postings_advance_matches_lower_bound),
             KZ_TEST(test_segment__skip_entries_bound_each_block),
             KZ_TEST(test_segment__doc_lengths_round_trip),
             KZ_TEST(test_segment__empty_dictionary_opens_and_finds_nothing),
             KZ_TEST(test_segment__open_rejects_size_mismatch_and_missing_files),
             KZ_TEST(test_segment__failed_write_leaves_no_files))
