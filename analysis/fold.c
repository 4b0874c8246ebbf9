/*
 * fold.c - UTF-8 decoding, character classes and term folding (see fold.h).
 * The only file that includes utf8proc.h.
 *
 * Folding runs utf8proc in two steps instead of one utf8proc_map call so that
 * (1) no allocation happens per term: the decomposition goes into the
 * kz_fold's scratch buffer, grown on demand and kept; and (2) accent
 * stripping can look at the base letter of each mark (see strips_marks).
 * utf8proc still costs ~0.4 us a term, which would hold non-Latin text to
 * ~30 MB/s, so short inputs are memoized (text repeats its words).
 */
#include "analysis/fold.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/checksum.h"
#include "kzsearch.h"

size_t kz_fold_decode(const uint8_t *p, const uint8_t *end, int32_t *cp) {
  size_t avail = (size_t)(end - p);
  uint32_t b0 = p[0];
  if (b0 < 0x80) {
    *cp = (int32_t)b0;
    return 1;
  }
  if (b0 < 0xC2) return 0; /* a continuation byte, or C0/C1 (always overlong) */
  if (b0 < 0xE0) {
    if (avail < 2 || (p[1] & 0xC0) != 0x80) return 0;
    *cp = (int32_t)(((b0 & 0x1F) << 6) | (p[1] & 0x3Fu));
    return 2;
  }
  if (b0 < 0xF0) {
    if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    uint32_t c = ((b0 & 0x0F) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = (int32_t)c;
    return 3;
  }
  if (b0 < 0xF5) {
    if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
      return 0;
    uint32_t c = ((b0 & 0x07) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) |
                 (p[3] & 0x3Fu);
    if (c < 0x10000 || c > 0x10FFFF) return 0;
    *cp = (int32_t)c;
    return 4;
  }
  return 0;
}

int kz_fold_is_upper(int32_t cp) {
  /* ASCII's Lu letters are A-Z and it has no Lt; the indexer asks this of
   * every body word (names), mostly lowercase ASCII ones. */
  if (cp >= 0 && cp < 0x80) return cp >= 'A' && cp <= 'Z';
  utf8proc_category_t c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

kz_fold_class kz_fold_class_of(int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return KZ_FOLD_LETTER;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return KZ_FOLD_NUMBER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return KZ_FOLD_MARK;
    case UTF8PROC_CATEGORY_CF:
      return KZ_FOLD_FORMAT;
    case UTF8PROC_CATEGORY_PC:
      return KZ_FOLD_CONNECTOR;
    default:
      return KZ_FOLD_OTHER;
  }
}

void kz_fold_free(kz_fold *f) {
  if (!f) return;
  free(f->cps);
  free(f->memo);
  f->cps = NULL;
  f->memo = NULL;
  f->cap = 0;
}

/*
 * Whether marks on this base are optional diacritics to strip. The ranges are
 * the Latin, Greek, Cyrillic, Armenian, Hebrew and Arabic blocks and their
 * extensions and presentation forms; base < 0 means a mark with no base.
 */
static int strips_marks(int32_t base) {
  if (base < 0x0780) return 1; /* up to Arabic Supplement; Thaana and later keep theirs */
  if (base >= 0x08A0 && base <= 0x08FF) return 1; /* Arabic Extended-A */
  if (base >= 0x1AB0 && base <= 0x1AFF) return 1; /* Combining Diacritical Marks Extended */
  if (base >= 0x1C80 && base <= 0x1C8F) return 1; /* Cyrillic Extended-C */
  if (base >= 0x1D00 && base <= 0x1FFF) return 1; /* phonetic, Latin/Greek Extended */
  if (base >= 0x2C60 && base <= 0x2C7F) return 1; /* Latin Extended-C */
  if (base >= 0x2DE0 && base <= 0x2DFF) return 1; /* Cyrillic Extended-A */
  if (base >= 0xA640 && base <= 0xA69F) return 1; /* Cyrillic Extended-B */
  if (base >= 0xA720 && base <= 0xA7FF) return 1; /* Latin Extended-D */
  if (base >= 0xAB30 && base <= 0xAB6F) return 1; /* Latin Extended-E */
  if (base >= 0xFB00 && base <= 0xFDFF) return 1; /* Latin/Hebrew/Arabic presentation forms */
  if (base >= 0xFE20 && base <= 0xFE2F) return 1; /* Combining Half Marks */
  if (base >= 0xFE70 && base <= 0xFEFF) return 1; /* Arabic Presentation Forms-B */
  if (base >= 0xFF00 && base <= 0xFFEF) return 1; /* halfwidth and fullwidth forms */
  return 0;
}

/* The memo: a direct-mapped table from input to folded form, 128 bytes an
 * entry. A collision simply overwrites, so it needs no eviction and its size
 * is fixed; key_len == 0 marks an empty entry. */
#define MEMO_ENTRIES 4096u
#define MEMO_KEY_MAX 58u
#define MEMO_VAL_MAX 64u

typedef struct kz_fold_memo {
  uint32_t check; /* high hash bits: most mismatches stop here */
  uint8_t key_len, val_len;
  uint8_t key[MEMO_KEY_MAX];
  uint8_t val[MEMO_VAL_MAX];
} memo_entry;

static int grow(kz_fold *f, size_t need) {
  if (need <= f->cap) return KZ_OK;
  size_t cap = f->cap ? f->cap : 256;
  while (cap < need) cap *= 2;
  int32_t *p = realloc(f->cps, cap * sizeof *p);
  if (!p) return KZ_ERR_NOMEM;
  f->cps = p;
  f->cap = cap;
  return KZ_OK;
}

static int map_error(utf8proc_ssize_t r) {
  return r == UTF8PROC_ERROR_NOMEM ? KZ_ERR_NOMEM : KZ_ERR_INVALID;
}

static int fold_slow(kz_fold *f, const uint8_t *in, size_t n, uint8_t *out, size_t out_cap,
                     size_t *out_len) {
  /* utf8proc counts in utf8proc_ssize_t and the terms are short anyway. */
  if (n > ((size_t)1 << 24)) return KZ_ERR_LIMIT;
  const utf8proc_option_t decompose =
      UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE | UTF8PROC_IGNORE | UTF8PROC_STABLE;
  int rc = grow(f, n + 1);
  if (rc) return rc;
  utf8proc_ssize_t r;
  for (;;) {
    r = utf8proc_decompose(in, (utf8proc_ssize_t)n, f->cps, (utf8proc_ssize_t)f->cap, decompose);
    if (r < 0) return map_error(r);
    /* utf8proc_reencode needs one code point of room past the data. */
    if ((size_t)r < f->cap) break;
    rc = grow(f, (size_t)r + 1);
    if (rc) return rc;
  }

  size_t w = 0;
  int32_t base = -1;
  for (size_t i = 0; i < (size_t)r; i++) {
    int32_t cp = f->cps[i];
    /* Fullwidth ASCII (common in CJK text) is ASCII; casefolding already made
     * its letters lower case. The rest of NFKC is left alone: it would turn
     * symbols like "½" into separators inside a term. */
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (kz_fold_class_of(cp) == KZ_FOLD_MARK) {
      if (strips_marks(base)) continue;
    } else {
      base = cp;
    }
    f->cps[w++] = cp;
  }

  size_t len = 0;
  if (w) {
    utf8proc_ssize_t e =
        utf8proc_reencode(f->cps, (utf8proc_ssize_t)w, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (e < 0) return map_error(e);
    len = (size_t)e;
  }
  if (len > out_cap) return KZ_ERR_LIMIT;
  if (len) memcpy(out, f->cps, len);
  out[len] = 0;
  *out_len = len;
  return KZ_OK;
}

int kz_fold_utf8(kz_fold *f, const uint8_t *in, size_t n, uint8_t *out, size_t out_cap,
                 size_t *out_len) {
  if (f->no_memo || n == 0 || n > MEMO_KEY_MAX) return fold_slow(f, in, n, out, out_cap, out_len);
  if (!f->memo) {
    f->memo = calloc(MEMO_ENTRIES, sizeof *f->memo);
    if (!f->memo) return fold_slow(f, in, n, out, out_cap, out_len); /* works without */
  }
  uint64_t h = kz_hash_bytes(in, n);
  memo_entry *e = &f->memo[h & (MEMO_ENTRIES - 1)];
  uint32_t check = (uint32_t)(h >> 32);
  if (e->key_len == n && e->check == check && memcmp(e->key, in, n) == 0) {
    if (e->val_len > out_cap) return KZ_ERR_LIMIT;
    memcpy(out, e->val, e->val_len);
    out[e->val_len] = 0;
    *out_len = e->val_len;
    return KZ_OK;
  }
  int rc = fold_slow(f, in, n, out, out_cap, out_len);
  if (rc == KZ_OK && *out_len <= MEMO_VAL_MAX) {
    e->check = check;
    e->key_len = (uint8_t)n;
    e->val_len = (uint8_t)*out_len;
    memcpy(e->key, in, n);
    memcpy(e->val, out, *out_len);
  }
  return rc;
}
