/*
 * query_parse.h - the query language, parsed into a tree of raw (not yet
 * analyzed) words and phrases. Analysis happens later, in the query plan.
 *
 * Grammar (operators are upper case; lower-case "and" is a word):
 *   list    := clause+                       implicit: the default operator
 *   clause  := ['+' | '-'] or_expr          '+' required, '-' excluded
 *   or_expr := and_expr ('OR' and_expr)*
 *   and_expr:= unary ('AND' unary)*
 *   unary   := 'NOT' unary | ['+' | '-'] near
 *   near    := primary (NEAR primary)*      every primary a WORD of one field
 *   primary := WORD | phrase | '(' list ')'
 *            | 'title:' (WORD | phrase) | 'date:' DATE
 *   phrase  := '"' words '"' ['~' N]       N: the slop, 0 .. KZ_MAX_PROXIMITY
 *   NEAR    := 'NEAR' | 'NEAR/' N          N: the window, 1 .. KZ_MAX_PROXIMITY (bare: 10)
 * A WORD may end in '*' (a prefix of at least 2 letters: "peace*") or in
 * '~', '~0', '~1', '~2' (fuzzy: "tokaev~1"; a bare '~' is automatic); any
 * other '*' or '~' in a word is an error (query_suffix.h). The words joined
 * by NEAR are plain words (no prefix or fuzzy word).
 * A '+' or '-' is a modifier only at the start of a token ("-x", "+(a b)");
 * inside a word it is part of it ("Nur-Sultan"). Whitespace separates tokens;
 * so do '(' ')' and '"'.
 *
 * Fields: at the start of a token, NAME ':' where NAME is a run of ASCII
 * letters (any case) directly followed by the colon names a field when
 * something other than '/' or ':' follows the colon. "title" and "date" are
 * the fields; another name is an error that lists them ("author:x"). A
 * token that is not a field stays a word as before: "10:30" (digits),
 * "http://x" ('/' after the colon), "note:" (nothing after an unknown
 * name). "title:" and "date:" with nothing after them are errors. DATE is
 * the text after "date:" up to whitespace or ')' (through the closing ']'
 * or '}' when it starts with '[' or '{'), parsed by kz_date_parse_query.
 *
 * Proximity: '"a b"~N' is a sloppy phrase (Lucene's slop: N position moves;
 * "~" must follow the closing quote directly). "a NEAR/N b NEAR/N c"
 * requires all its words within a stretch of N + k - 1 positions (k words;
 * for two words, at most N - 1 words between them), in any order; the
 * windows of one chain must agree. Lower-case "near" is a word.
 *
 * Lucene's "&&", "||" and "!x" (at the start of a token) are AND, OR and
 * NOT. A '?' that ends a word is punctuation ("tokayev?").
 *
 * Refused rather than misread (query_lex.c): boosts "a^2", ranges
 * "[a TO b]" outside date:, words starting with '*' or '?', a '?' inside a
 * word ("tok?yev", Lucene's one-letter wildcard).
 *
 * Limits: KZ_MAX_QUERY_BYTES of text, KZ_MAX_QUERY_DEPTH of nesting,
 * KZ_MAX_QUERY_CLAUSES nodes. Errors name the byte position of the problem.
 */
#ifndef KZ_QUERY_PARSE_H
#define KZ_QUERY_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "kzsearch.h"

typedef enum kz_qkind {
  KZ_Q_WORD,   /* text = one word as typed */
  KZ_Q_PHRASE, /* text = the words between the quotes */
  KZ_Q_AND,    /* children all required */
  KZ_Q_OR,     /* at least one child */
  KZ_Q_NOT,    /* one child, excluded (inside AND or a list) */
  KZ_Q_LIST,   /* implicit sequence; each child has an occur */
  KZ_Q_DATE,   /* a date range filter: lo .. hi, inclusive, UTC seconds */
  KZ_Q_PREFIX, /* "peace*": text = the prefix, without the '*' */
  KZ_Q_FUZZY,  /* "tokaev~1": text = the word, without the '~N'; max_edits */
  KZ_Q_NEAR    /* children: >= 2 WORDs of one field, all within a window of slop words */
} kz_qkind;

typedef enum kz_occur {
  KZ_OCCUR_DEFAULT = 0, /* OR, or AND when the search asks for default_and */
  KZ_OCCUR_MUST,        /* +x */
  KZ_OCCUR_MUST_NOT     /* -x */
} kz_occur;

typedef struct kz_qnode kz_qnode;
struct kz_qnode {
  kz_qkind kind;
  kz_occur occur;     /* meaningful for children of a KZ_Q_LIST */
  const char *text;   /* points into the query string (WORD, PHRASE); not NUL-terminated */
  size_t text_len;
  size_t position;    /* byte offset in the query where the node starts */
  unsigned field;     /* WORD, PHRASE: KZ_FIELD_TEXT, or KZ_FIELD_TITLE after "title:" */
  int64_t lo, hi;     /* DATE */
  kz_qnode **children;
  size_t n_children;
  int max_edits;      /* FUZZY: 0..2 edits, or -1 for automatic (a bare '~') */
  uint32_t slop;      /* PHRASE: the slop of "..."~N (0: exact); NEAR: the window N */
  int expansion;      /* WORD, PHRASE: added by acronym expansion (acronym_expand.h), not typed */
};

/*
 * Parses query[0..len). The tree points into `query`, which must outlive it.
 * @return KZ_OK; KZ_ERR_QUERY with err->position and a message such as
 *         "unbalanced parenthesis" or "AND needs a term on both sides";
 *         KZ_ERR_LIMIT (too long, too deep, too many clauses); KZ_ERR_NOMEM.
 */
int kz_query_parse(kz_qnode **out, const char *query, size_t len, kz_error *err);
void kz_qnode_free(kz_qnode *node);

#endif /* KZ_QUERY_PARSE_H */
