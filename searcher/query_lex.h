/*
 * query_lex.h - the lexer of the query language (grammar in query_parse.h),
 * shared by the parser (query_parse.c) and the lexer itself (query_lex.c).
 * Internal to the searcher.
 */
#ifndef KZ_QUERY_LEX_H
#define KZ_QUERY_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "kzsearch.h"
#include "searcher/query_parse.h"

typedef enum tkind {
  T_END,
  T_WORD,
  T_PHRASE,
  T_LPAREN,
  T_RPAREN,
  T_AND,
  T_OR,
  T_NOT,
  T_PLUS,
  T_MINUS,
  T_TITLE, /* "title:"; a word or phrase follows */
  T_DATE,  /* "date:EXPR", already parsed into lo .. hi */
  T_NEAR   /* "NEAR" or "NEAR/N": slop = the window N (10 when bare) */
} tkind;

typedef struct token {
  tkind kind;
  size_t pos;       /* first byte of the token (the quote for a phrase) */
  const char *text; /* WORD, PHRASE: the word, or the bytes between the quotes */
  size_t text_len;
  int64_t lo, hi;   /* DATE */
  uint32_t slop;    /* PHRASE: N of '"..."~N' (0: exact); NEAR: its window */
  kz_qkind word_kind; /* WORD: KZ_Q_WORD, or KZ_Q_PREFIX / KZ_Q_FUZZY after its suffix */
  int max_edits;      /* WORD of KZ_Q_FUZZY */
} token;

typedef struct parser {
  const char *query;
  size_t len;
  size_t next;       /* lexer cursor: first byte not yet lexed */
  int at_token_start; /* a '+' / '-' at `next` would be a modifier */
  token tok;         /* the current, not yet consumed, token */
  size_t depth;      /* open parentheses + NOT operators being parsed */
  size_t nodes;      /* nodes kept so far, the top-level LIST excluded */
  kz_error *err;
} parser;

/* Reads the next token into p->tok. @return KZ_OK or KZ_ERR_QUERY with p->err set. */
int kz_query_lex(parser *p);

#endif /* KZ_QUERY_LEX_H */
