/*
 * query_lex.c - the lexer of the query language (grammar in query_parse.h):
 * hands out one token at a time (word, phrase, '(', ')', the operators
 * AND / OR / NOT, the '+' / '-' modifiers, fields) to the parser of
 * query_parse.c. It owns nothing: tokens point into the caller's query.
 *
 * It also refuses the syntax of other engines that kzsearch does not have,
 * rather than searching its letters as words (a query must never be read
 * silently as another one): boosts "a^2", ranges "[a TO b]" outside date:,
 * words that start with a wildcard ("*foo", "?oo") and the one-letter
 * wildcard inside a word ("tok?yev"). Lucene's other spellings of the
 * operators, "&&", "||" and "!x", are read as AND, OR and NOT, since a
 * Lucene user means them so. Each error names the byte where the
 * unsupported syntax starts, for the CLI's caret.
 */
#include "searcher/query_lex.h"

#include <string.h>

#include "common/date.h"
#include "common/error.h"
#include "common/limits.h"
#include "searcher/query_suffix.h"

/* Bytes of whitespace starting at p (0 when none): ASCII blanks plus the
 * UTF-8 encodings of the Unicode space separators, NEL, LS and PS. */
static size_t space_len(const unsigned char *p, const unsigned char *end) {
  size_t n = (size_t)(end - p);
  switch (p[0]) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\v':
    case '\f':
      return 1;
    case 0xC2: /* U+0085, U+00A0 */
      return n >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
    case 0xE1: /* U+1680 */
      return n >= 3 && p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    case 0xE2:
      if (n < 3) return 0;
      if (p[1] == 0x80) /* U+2000..U+200A, U+2028, U+2029, U+202F */
        return (p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF
                   ? 3
                   : 0;
      return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0; /* U+205F */
    case 0xE3: /* U+3000 */
      return n >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    default:
      return 0;
  }
}

static int is_delimiter(unsigned char c) { return c == '(' || c == ')' || c == '"'; }

static int word_is(const char *w, size_t n, const char *op) {
  return n == strlen(op) && memcmp(w, op, n) == 0;
}

static int is_ascii_letter(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

static int name_is(const char *s, size_t n, const char *name) {
  if (n != strlen(name)) return 0;
  for (size_t i = 0; i < n; i++)
    if ((s[i] | 0x20) != name[i]) return 0;
  return 1;
}

/* How much of a long name an error message quotes. */
#define NAME_SHOWN 32

/*
 * The text after "date:" at `at`: up to whitespace or ')', or through the
 * closing bracket of "[A TO B]" / "{A TO B}". Parses it into t->lo .. t->hi.
 */
static int lex_date(parser *p, token *t, size_t at) {
  const unsigned char *s = (const unsigned char *)p->query, *end = s + p->len;
  size_t stop = at;
  if (s[at] == '[' || s[at] == '{') {
    while (stop < p->len && s[stop] != ']' && s[stop] != '}') stop++;
    if (stop == p->len)
      return kz_error_set_at(p->err, KZ_ERR_QUERY, at,
                             "unterminated date range: '%c' at %zu is never closed", s[at], at);
    stop++;
  } else {
    while (stop < p->len && s[stop] != ')' && space_len(s + stop, end) == 0) stop++;
  }
  char why[160] = "";
  size_t err_pos = 0;
  if (kz_date_parse_query(&t->lo, &t->hi, p->query + at, stop - at, &err_pos, why, sizeof why) !=
      KZ_OK) {
    size_t pos = at + (err_pos <= stop - at ? err_pos : 0);
    return kz_error_set_at(p->err, KZ_ERR_QUERY, pos, "date: %s (at %zu)", why, pos);
  }
  t->kind = T_DATE;
  t->text = p->query + at;
  t->text_len = stop - at;
  p->next = stop;
  p->at_token_start = 0;
  return KZ_OK;
}

/*
 * A field at the start of a token: NAME ':' at s[start .. colon] (rules in
 * query_parse.h). @return 1 with p->tok set, 0 when it is a plain word, or
 * a negative status.
 */
static int lex_field(parser *p, size_t start, size_t colon) {
  const unsigned char *s = (const unsigned char *)p->query, *end = s + p->len;
  const char *name = p->query + start;
  size_t n = colon - start, after = colon + 1;
  int nothing = after == p->len || s[after] == ')' || space_len(s + after, end) > 0;
  int title = name_is(name, n, "title"), date = name_is(name, n, "date");
  if (!title && !date) {
    if (nothing || s[after] == '/' || s[after] == ':') return 0;
    int shown = (int)(n < NAME_SHOWN ? n : NAME_SHOWN);
    return kz_error_set_at(p->err, KZ_ERR_QUERY, start,
                           "unknown field '%.*s%s' at %zu; the known fields are title: and date:",
                           shown, name, n > NAME_SHOWN ? "..." : "", start);
  }
  if (nothing)
    return kz_error_set_at(p->err, KZ_ERR_QUERY, start, "'%.*s:' at %zu needs %s right after it",
                           (int)n, name, start, title ? "a word or a \"phrase\"" : "a date");
  token *t = &p->tok;
  t->pos = start;
  if (date) {
    int rc = lex_date(p, t, after);
    return rc ? rc : 1;
  }
  t->kind = T_TITLE;
  p->next = after;
  p->at_token_start = 0;
  return 1;
}

/*
 * A decimal count at s[at ..]: at least one digit, at most `max`, ending at
 * a delimiter, whitespace or the end. @return the bytes read, or 0 when the
 * text there is not such a count (*value is then unset).
 */
static size_t count_at(const parser *p, size_t at, uint32_t max, uint32_t *value) {
  const unsigned char *s = (const unsigned char *)p->query, *end = s + p->len;
  size_t i = at;
  uint64_t v = 0;
  while (i < p->len && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (uint64_t)(s[i] - '0');
    if (v > max) v = (uint64_t)max + 1; /* saturate: only "too big" matters */
    i++;
  }
  if (i == at || v > max) return 0;
  if (i < p->len && !is_delimiter(s[i]) && space_len(s + i, end) == 0) return 0;
  *value = (uint32_t)v;
  return i - at;
}

/* The slop after a phrase's closing quote: '~' at `tilde`, then a count. */
static int lex_slop(parser *p, token *t, size_t tilde) {
  uint32_t slop = 0;
  size_t n = count_at(p, tilde + 1, KZ_MAX_PROXIMITY, &slop);
  if (n == 0)
    return kz_error_set_at(p->err, KZ_ERR_QUERY, tilde,
                           "'~' after a phrase (at %zu) needs a slop from 0 to %u, as in "
                           "\"troops almaty\"~5",
                           tilde, KZ_MAX_PROXIMITY);
  t->slop = slop;
  p->next = tilde + 1 + n;
  return KZ_OK;
}

/* "NEAR" or "NEAR/N" as the word t: T_NEAR with its window, or an error for "NEAR/x". */
static int lex_near(parser *p, token *t) {
  t->slop = 10; /* Xapian's default window */
  if (t->text_len == 4) return KZ_OK;
  size_t at = t->pos + 5;
  uint32_t w = 0;
  if (count_at(p, at, KZ_MAX_PROXIMITY, &w) != t->text_len - 5 || w == 0)
    return kz_error_set_at(p->err, KZ_ERR_QUERY, t->pos,
                           "'%.*s' at %zu: NEAR/N needs a window N from 1 to %u words",
                           (int)(t->text_len < 24 ? t->text_len : 24), t->text, t->pos,
                           KZ_MAX_PROXIMITY);
  t->slop = w;
  return KZ_OK;
}

/* Whether the bracket at s[at] opens a range "[a TO b]" (a "TO" word before the close). */
static int is_range(const parser *p, size_t at) {
  const unsigned char *s = (const unsigned char *)p->query, *end = s + p->len;
  for (size_t i = at + 1; i + 1 < p->len && s[i] != ']' && s[i] != '}'; i++)
    if (s[i] == 'T' && s[i + 1] == 'O' && space_len(s + i - 1, end) > 0 &&
        (i + 2 == p->len || space_len(s + i + 2, end) > 0))
      return 1;
  return 0;
}

/* Refuses a word written in syntax kzsearch does not support (file comment). */
static int check_word(parser *p, const token *t) {
  const char *w = t->text;
  size_t n = t->text_len;
  if (w[0] == '*' || w[0] == '?')
    return kz_error_set_at(p->err, KZ_ERR_QUERY, t->pos,
                           "'%c' at %zu: a word cannot start with a wildcard (leading "
                           "wildcards are not supported)",
                           w[0], t->pos);
  if ((w[0] == '[' || w[0] == '{') && is_range(p, t->pos))
    return kz_error_set_at(p->err, KZ_ERR_QUERY, t->pos,
                           "'%c' at %zu: ranges [a TO b] work only on dates, as in "
                           "date:[2022-01-05 TO 2022-01-07]",
                           w[0], t->pos);
  /* A '?' that ends a word is punctuation ("who is tokayev?"); inside one it is a wildcard. */
  for (size_t i = 1; i + 1 < n; i++)
    if (w[i] == '?' && w[i + 1] != '?' && w[i - 1] != '?')
      return kz_error_set_at(p->err, KZ_ERR_QUERY, t->pos + i,
                             "'?' at %zu: one-letter wildcards (tok?yev) are not supported; "
                             "use a prefix (tok*), a fuzzy word (tokyev~1), or quotes to "
                             "search the text as it is",
                             t->pos + i);
  for (size_t i = 0; i + 1 < n; i++)
    if (w[i] == '^' && ((w[i + 1] >= '0' && w[i + 1] <= '9') || w[i + 1] == '.'))
      return kz_error_set_at(p->err, KZ_ERR_QUERY, t->pos + i,
                             "'^' at %zu: boosts (a^2) are not supported", t->pos + i);
  return KZ_OK;
}

/* Reads the next token into p->tok. */
int kz_query_lex(parser *p) {
  const unsigned char *s = (const unsigned char *)p->query;
  const unsigned char *end = s + p->len;
  size_t n;
  while (p->next < p->len && (n = space_len(s + p->next, end)) > 0) {
    p->next += n;
    p->at_token_start = 1;
  }
  token *t = &p->tok;
  t->pos = p->next;
  t->text = NULL;
  t->text_len = 0;
  t->slop = 0;
  t->word_kind = KZ_Q_WORD;
  t->max_edits = 0;
  if (p->next == p->len) {
    t->kind = T_END;
    return KZ_OK;
  }
  unsigned char c = s[p->next];
  if (c == '(' || c == ')') {
    t->kind = c == '(' ? T_LPAREN : T_RPAREN;
    p->next++;
    p->at_token_start = c == '(';
    return KZ_OK;
  }
  if (c == '"') {
    size_t open = p->next, rest = p->len - open - 1;
    const unsigned char *close = rest ? memchr(s + open + 1, '"', rest) : NULL;
    if (!close)
      return kz_error_set_at(p->err, KZ_ERR_QUERY, open,
                             "unterminated phrase: '\"' at %zu is never closed", open);
    t->kind = T_PHRASE;
    t->text = p->query + open + 1;
    t->text_len = (size_t)(close - (s + open + 1));
    p->next = (size_t)(close - s) + 1;
    p->at_token_start = 0;
    return p->next < p->len && s[p->next] == '~' ? lex_slop(p, t, p->next) : KZ_OK;
  }
  if (c == '!' && p->at_token_start && p->next + 1 < p->len &&
      space_len(s + p->next + 1, end) == 0 && s[p->next + 1] != ')' && s[p->next + 1] != '!') {
    t->kind = T_NOT; /* Lucene's "!x": NOT x */
    p->next++;
    p->at_token_start = 0;
    return KZ_OK;
  }
  if ((c == '+' || c == '-') && p->at_token_start) {
    size_t after = p->next + 1;
    if (after == p->len || space_len(s + after, end) > 0)
      return kz_error_set_at(p->err, KZ_ERR_QUERY, p->next,
                             "'%c' must be followed by a term (at %zu)", c, p->next);
    t->kind = c == '+' ? T_PLUS : T_MINUS;
    p->next = after;
    p->at_token_start = 0; /* "--x" is '-' applied to the word "-x" */
    return KZ_OK;
  }
  size_t start = p->next, name_end = start;
  while (name_end < p->len && is_ascii_letter(s[name_end])) name_end++;
  if (name_end > start && name_end < p->len && s[name_end] == ':') {
    int f = lex_field(p, start, name_end);
    if (f != 0) return f < 0 ? f : KZ_OK;
  }
  while (p->next < p->len && !is_delimiter(s[p->next]) && space_len(s + p->next, end) == 0)
    p->next++;
  t->text = p->query + start;
  t->text_len = p->next - start;
  if (word_is(t->text, t->text_len, "AND") || word_is(t->text, t->text_len, "&&"))
    t->kind = T_AND;
  else if (word_is(t->text, t->text_len, "OR") || word_is(t->text, t->text_len, "||"))
    t->kind = T_OR;
  else if (word_is(t->text, t->text_len, "NOT"))
    t->kind = T_NOT;
  else if (word_is(t->text, t->text_len, "NEAR") ||
           (t->text_len >= 5 && memcmp(t->text, "NEAR/", 5) == 0))
    t->kind = T_NEAR;
  else
    t->kind = T_WORD;
  p->at_token_start = 0;
  if (t->kind == T_NEAR) return lex_near(p, t);
  if (t->kind != T_WORD) return KZ_OK;
  int rc = check_word(p, t);
  if (rc) return rc;
  return kz_query_word_suffix(t->text, t->text_len, t->pos, &t->word_kind, &t->text_len,
                              &t->max_edits, p->err);
}
