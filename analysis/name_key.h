/*
 * name_key.h - the spelling key of a name (issue 15 §3): a narrow
 * romanisation under which "Mangystau" and "Mangistau", "Tokayev" and
 * "Tokaev", "Kassym" and "Kasym", "Zhomart" and "Jomart", "Токаев" and
 * "Tokayev" are one key, and the place that decides which words of a text
 * are names at all. README.md, "Names spelled several ways", gives the rules
 * to users; docs/FORMAT.md, "Names", says where the keys are stored.
 *
 * The key of a term (folded and stemmed as the analyzer makes it):
 *   1. a term with a character outside ASCII is romanised by ICU's
 *      "Kazakh-Latin/BGN; Latin-ASCII" transliterator (BGN/PCGN, which
 *      covers Russian and the Kazakh letters ә ғ қ ң ө ұ ү һ і; its
 *      separator dot in "n·g" is dropped) and then stemmed like a Latin
 *      term of the index's language, so that "Ақтөбе" meets the stem
 *      "aktob" of "Aktobe"; a term that is still not plain ASCII letters
 *      afterwards (Greek, CJK, digits) has no key;
 *   2. apostrophes and quotes (from ь and ъ) are dropped;
 *   3. from left to right: x -> ks, dzh -> j, zh -> j, kh -> h, gh -> g,
 *      q -> k, ye -> e, yo -> e, then every other y -> i;
 *   4. runs of one letter become one letter ("kassym" -> "kasim").
 * Keys shorter than KZ_NAME_KEY_MIN letters are none: at three letters
 * different names collide too often ("Yan" and "Ian", "Han" and "Khan").
 *
 * Hyphens: the tokenizer splits "Nur-Sultan" into two terms, and keys never
 * cross a term, so a hyphen is a word boundary like a space: "Nur-Sultan"
 * and "Nur Sultan" have the same keys, "Nursultan" (one word, the first
 * name) has another. kz_name_key_text applies this to a whole name.
 *
 * A kz_name_keyer owns the ICU transliterator, opened at its first
 * non-ASCII term (about 20 ms the first time in a process); it is not
 * thread-safe.
 */
#ifndef KZ_NAME_KEY_H
#define KZ_NAME_KEY_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "analysis/english_words.h"

/* Keys are 4 .. KZ_NAME_KEY_MAX bytes of a-z. */
#define KZ_NAME_KEY_MIN 4u
#define KZ_NAME_KEY_MAX 64u
/* The most terms of a whole name kz_name_same_text compares. */
#define KZ_NAME_MAX_TERMS 16u

typedef struct kz_name_keyer kz_name_keyer;

/*
 * A keyer for terms of an index in `language` (as kz_analyzer_new; NULL:
 * "english"; "none": no stemming). @return KZ_OK, KZ_ERR_NOMEM, KZ_ERR_INVALID.
 */
int kz_name_keyer_new(kz_name_keyer **out, const char *language);
void kz_name_keyer_free(kz_name_keyer *k);

/*
 * The key of one term into out[0..KZ_NAME_KEY_MAX] (NUL-terminated).
 * @return 1 with *out_len set, 0 when the term has no key, KZ_ERR_NOMEM,
 *         KZ_ERR_INVALID when ICU's transliterator cannot be opened.
 */
int kz_name_key(kz_name_keyer *k, const char *term, size_t len, char *out, size_t *out_len);

/*
 * Whether two different spellings with the same key are one name, by the
 * English rule (README.md, "Names spelled several ways"): `*_english` says
 * that a spelling is an English word or common name (english_words.h).
 * Two English spellings are never merged (Cameron / Cameroon, Sidney /
 * Sydney: English tells them apart); an English one and another are merged
 * only when they also agree without the q -> k and doubled-letter folds
 * (so not King / Qing, Neil / Neill, Anderson / Andersson, but Melvin /
 * Melvyn); two spellings that are not English are merged (Kassym / Kasym).
 * @return 1, 0, or an error of kz_name_key.
 */
int kz_name_spellings_agree(kz_name_keyer *k, const char *a, size_t a_len, int a_english,
                            const char *b, size_t b_len, int b_english);

/*
 * Whether two whole names are one ("Kassym-Jomart Tokayev", "Kasym-Zhomart
 * Tokaev"), as a search matches them: the same number of terms, each pair
 * of terms equal or with the same key and agreeing by
 * kz_name_spellings_agree (a term without a key stands for itself).
 * `words` may be NULL (no spelling is English). @return 1, 0 (also for a
 * name of more than KZ_NAME_MAX_TERMS terms), or an error.
 */
int kz_name_same_text(kz_name_keyer *k, kz_analyzer *an, const kz_english_words *words,
                      const char *a, size_t a_len, const char *b, size_t b_len);

/*
 * Whether the token text[start..end) is written as a name: its first letter
 * is upper case, its second is not (so "CSTO" is not), and it does not open
 * a sentence (only spaces, quotes and brackets lie between it and the start
 * of the text or a '.', '!', '?' or ':'), where every word is capitalised.
 */
int kz_name_capitalised(const char *text, size_t len, size_t start, size_t end);

/*
 * The key of a whole name ("Kassym-Jomart Tokayev"): each term the analyzer
 * makes of it keyed, joined by one space (so a hyphen and a space are the
 * same), into out (out_cap bytes, NUL-terminated). A term without a key
 * stands for itself, as it does in a search ("Nur" matches only "nur").
 * @return 1, 0 when the text has no term or out is too small, or an error
 *         of kz_name_key / the analyzer.
 */
int kz_name_key_text(kz_name_keyer *k, kz_analyzer *an, const char *text, size_t len, char *out,
                     size_t out_cap);

#endif /* KZ_NAME_KEY_H */
