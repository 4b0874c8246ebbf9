/*
 * query_parse.c - the query language (grammar in query_parse.h) parsed into a
 * tree of raw words and phrases.
 *
 * The lexer (query_lex.c) hands out one token at a time (word, phrase, '(',
 * ')', the operators AND / OR / NOT, the '+' / '-' modifiers); a
 * recursive-descent parser builds the tree. The parser recurses only at
 * '(' and at NOT, and both count toward KZ_MAX_QUERY_DEPTH before
 * recursing, so no input can
 * exhaust the stack and every returned tree is at most a few hundred levels
 * deep (its consumers, kz_qnode_free included, may recurse over it).
 *
 * Ownership: each node owns its children array and its children; `text`
 * points into the caller's query. On every error path all nodes built so far
 * are freed and *out is left untouched.
 *
 * Decisions beyond the grammar:
 *   - A modifier binds to the primary right after it. When that primary is
 *     the whole clause, the modifier becomes the clause's occur; when the
 *     primary is an operand of AND / OR, '+' is dropped (it is redundant
 *     there) and '-' becomes NOT, as Lucene reads "-a AND b" (a excluded,
 *     b required).
 *   - A clause that is exactly "NOT x" becomes occur MUST_NOT with child x,
 *     so "a NOT b" equals "a -b"; "NOT x" inside AND / OR stays a NOT node.
 *   - A parenthesised list holding a single DEFAULT clause is replaced by
 *     that clause; the top level is always a LIST.
 *   - Depth counts open parentheses plus NOT operators being parsed.
 *   - The node limit counts every node except the top-level LIST, so a query
 *     of KZ_MAX_QUERY_CLAUSES plain words still parses.
 */
#include "searcher/query_parse.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "format/format.h"
#include "common/limits.h"
#include "searcher/query_lex.h"

static int lex(parser *p) { return kz_query_lex(p); }

static int is_primary_start(tkind k) {
  return k == T_WORD || k == T_PHRASE || k == T_LPAREN || k == T_TITLE || k == T_DATE;
}

static int is_term_start(tkind k) {
  return is_primary_start(k) || k == T_NOT || k == T_PLUS || k == T_MINUS;
}

/* The error for a missing term: `at` is the token that needed one (an
 * operator or modifier), or the unexpected token itself. */
static int need_term(parser *p, const token *at) {
  size_t pos = at->pos;
  switch (at->kind) {
    case T_AND:
      return kz_error_set_at(p->err, KZ_ERR_QUERY, pos,
                             "AND needs a term on both sides (at %zu)", pos);
    case T_OR:
      return kz_error_set_at(p->err, KZ_ERR_QUERY, pos,
                             "OR needs a term on both sides (at %zu)", pos);
    case T_NOT:
      return kz_error_set_at(p->err, KZ_ERR_QUERY, pos, "NOT needs a term after it (at %zu)",
                             pos);
    case T_PLUS:
    case T_MINUS:
      return kz_error_set_at(p->err, KZ_ERR_QUERY, pos, "'%c' must be followed by a term (at %zu)",
                             at->kind == T_PLUS ? '+' : '-', pos);
    case T_RPAREN:
      return kz_error_set_at(p->err, KZ_ERR_QUERY, pos, "unexpected ')' at %zu", pos);
    case T_NEAR:
      return kz_error_set_at(p->err, KZ_ERR_QUERY, pos,
                             "NEAR needs a word on both sides (at %zu)", pos);
    default:
      return kz_error_set_at(p->err, KZ_ERR_QUERY, pos, "a term is missing at %zu", pos);
  }
}

/* ======================================================================== */
/* Nodes                                                                    */
/* ======================================================================== */

void kz_qnode_free(kz_qnode *node) {
  if (!node) return;
  for (size_t i = 0; i < node->n_children; i++) kz_qnode_free(node->children[i]);
  free(node->children);
  free(node);
}

/* Counts one more kept node against KZ_MAX_QUERY_CLAUSES. */
static int count_node(parser *p, size_t pos) {
  if (p->nodes >= KZ_MAX_QUERY_CLAUSES)
    return kz_error_set_at(p->err, KZ_ERR_LIMIT, pos, "query has more than %d clauses (at %zu)",
                           KZ_MAX_QUERY_CLAUSES, pos);
  p->nodes++;
  return KZ_OK;
}

/* A node not yet counted (see count_node): lists may still be dissolved. */
static int node_alloc(parser *p, kz_qkind kind, size_t pos, kz_qnode **out) {
  kz_qnode *n = calloc(1, sizeof *n);
  if (!n) return kz_error_set(p->err, KZ_ERR_NOMEM, "out of memory parsing the query");
  n->kind = kind;
  n->occur = KZ_OCCUR_DEFAULT;
  n->position = pos;
  *out = n;
  return KZ_OK;
}

static int node_new(parser *p, kz_qkind kind, size_t pos, kz_qnode **out) {
  int rc = count_node(p, pos);
  return rc ? rc : node_alloc(p, kind, pos, out);
}

/* Frees a node whose children have been moved elsewhere. */
static void node_dissolve(kz_qnode *n) {
  free(n->children);
  free(n);
}

/* Appends `child` to `parent`, taking ownership of it even on failure. The
 * array grows to the next power of two whenever n_children reaches one. */
static int add_child(parser *p, kz_qnode *parent, kz_qnode *child) {
  size_t n = parent->n_children;
  if (n == 0 || (n & (n - 1)) == 0) {
    size_t cap = n ? 2 * n : 1;
    kz_qnode **grown = realloc(parent->children, cap * sizeof *grown);
    if (!grown) {
      kz_qnode_free(child);
      return kz_error_set(p->err, KZ_ERR_NOMEM, "out of memory parsing the query");
    }
    parent->children = grown;
  }
  parent->children[n] = child;
  parent->n_children = n + 1;
  return KZ_OK;
}

/* Replaces *node by NOT(*node); frees *node on failure. */
static int wrap_not(parser *p, kz_qnode **node, size_t pos) {
  kz_qnode *not_node = NULL;
  int rc = node_new(p, KZ_Q_NOT, pos, &not_node);
  if (rc) {
    kz_qnode_free(*node);
    return rc;
  }
  rc = add_child(p, not_node, *node);
  if (rc) {
    kz_qnode_free(not_node);
    return rc;
  }
  *node = not_node;
  return KZ_OK;
}

/* ======================================================================== */
/* Parser                                                                   */
/* ======================================================================== */

static int parse_list(parser *p, int nested, size_t open_pos, kz_qnode **out);
static int parse_unary(parser *p, const token *op, kz_qnode **out);

static int enter(parser *p, size_t pos) {
  if (p->depth >= KZ_MAX_QUERY_DEPTH)
    return kz_error_set_at(p->err, KZ_ERR_LIMIT, pos,
                           "query nests deeper than %d levels (at %zu)", KZ_MAX_QUERY_DEPTH, pos);
  p->depth++;
  return KZ_OK;
}

/* primary := WORD | PHRASE | '(' list ')' | TITLE (WORD | PHRASE) | DATE ; the current token
 * starts one. */
static int parse_primary(parser *p, kz_qnode **out) {
  token t = p->tok;
  kz_qnode *node = NULL;
  int rc;
  if (t.kind == T_LPAREN) {
    if ((rc = enter(p, t.pos)) != KZ_OK) return rc;
    if ((rc = lex(p)) != KZ_OK) return rc;
    rc = parse_list(p, 1, t.pos, out);
    p->depth--;
    return rc;
  }
  unsigned field = KZ_FIELD_TEXT;
  size_t start = t.pos;
  if (t.kind == T_TITLE) {
    if ((rc = lex(p)) != KZ_OK) return rc;
    t = p->tok;
    /* Right after the colon an operator's letters are just a word: title:AND */
    if (t.kind == T_AND || t.kind == T_OR || t.kind == T_NOT || t.kind == T_NEAR)
      t.kind = T_WORD;
    if (t.kind != T_WORD && t.kind != T_PHRASE)
      return kz_error_set_at(p->err, KZ_ERR_QUERY, start,
                             "'title:' at %zu needs a word or a \"phrase\" right after it", start);
    field = KZ_FIELD_TITLE;
  }
  assert(t.kind == T_WORD || t.kind == T_PHRASE || t.kind == T_DATE);
  rc = node_new(p, t.kind == T_WORD ? t.word_kind : t.kind == T_PHRASE ? KZ_Q_PHRASE : KZ_Q_DATE,
                start, &node);
  if (rc) return rc;
  node->text = t.text;
  node->text_len = t.text_len;
  node->field = field;
  node->lo = t.lo;
  node->hi = t.hi;
  node->max_edits = t.max_edits;
  node->slop = t.kind == T_PHRASE ? t.slop : 0;
  if ((rc = lex(p)) != KZ_OK) {
    kz_qnode_free(node);
    return rc;
  }
  *out = node;
  return KZ_OK;
}

/* Whether a NEAR operand is a word of the chain's field (`first`'s). */
static int near_operand(parser *p, const kz_qnode *first, const kz_qnode *n, size_t near_pos) {
  if (n->kind == KZ_Q_WORD && n->field == first->field) return KZ_OK;
  return kz_error_set_at(p->err, KZ_ERR_QUERY, n->position,
                         "NEAR at %zu joins single words of one field; what stands at %zu is %s",
                         near_pos, n->position,
                         n->kind == KZ_Q_WORD ? "a word of another field" : "not a word");
}

/* near := primary (NEAR primary)* ; the current token starts a primary. */
static int parse_near(parser *p, kz_qnode **out) {
  kz_qnode *first = NULL, *near = NULL, *next;
  int rc = parse_primary(p, &first);
  if (rc || p->tok.kind != T_NEAR) {
    *out = first;
    return rc;
  }
  token op = p->tok;
  if ((rc = near_operand(p, first, first, op.pos)) ||
      (rc = node_new(p, KZ_Q_NEAR, first->position, &near))) {
    kz_qnode_free(first);
    return rc;
  }
  near->slop = op.slop;
  near->field = first->field;
  if ((rc = add_child(p, near, first))) goto fail;
  while (p->tok.kind == T_NEAR) {
    op = p->tok;
    if (op.slop != near->slop) {
      rc = kz_error_set_at(p->err, KZ_ERR_QUERY, op.pos,
                           "NEAR at %zu has another window than the NEAR before it; one chain "
                           "has one window",
                           op.pos);
      goto fail;
    }
    if ((rc = lex(p))) goto fail;
    if (!is_primary_start(p->tok.kind)) {
      rc = need_term(p, &op);
      goto fail;
    }
    if ((rc = parse_primary(p, &next))) goto fail;
    if ((rc = near_operand(p, first, next, op.pos))) {
      kz_qnode_free(next);
      goto fail;
    }
    if ((rc = add_child(p, near, next))) goto fail;
  }
  *out = near;
  return KZ_OK;
fail:
  kz_qnode_free(near);
  return rc;
}

/* The modifier token is current: consumes it and parses its primary (or NEAR chain). */
static int parse_modified(parser *p, token *modifier, kz_qnode **out) {
  *modifier = p->tok;
  int rc = lex(p);
  if (rc) return rc;
  if (!is_primary_start(p->tok.kind)) return need_term(p, modifier);
  return parse_near(p, out);
}

/* unary := 'NOT' unary | ['+' | '-'] primary, as an operand (after `op`,
 * or at the start of a clause when `op` is NULL). */
static int parse_unary(parser *p, const token *op, kz_qnode **out) {
  if (!is_term_start(p->tok.kind)) return need_term(p, op ? op : &p->tok);
  kz_qnode *node = NULL;
  int rc;
  if (p->tok.kind == T_NOT) {
    token not_tok = p->tok;
    if ((rc = enter(p, not_tok.pos)) != KZ_OK) return rc;
    if ((rc = lex(p)) != KZ_OK) return rc;
    rc = parse_unary(p, &not_tok, &node);
    p->depth--;
    if (rc) return rc;
    if ((rc = wrap_not(p, &node, not_tok.pos)) != KZ_OK) return rc;
  } else if (p->tok.kind == T_PLUS || p->tok.kind == T_MINUS) {
    token modifier;
    if ((rc = parse_modified(p, &modifier, &node)) != KZ_OK) return rc;
    if (modifier.kind == T_MINUS && (rc = wrap_not(p, &node, modifier.pos)) != KZ_OK) return rc;
  } else {
    if ((rc = parse_near(p, &node)) != KZ_OK) return rc;
  }
  *out = node;
  return KZ_OK;
}

/* Parses `kind` operators joining operands into one flat node. `first` (owned
 * from here on) is the first operand when already parsed, else NULL; `op` is
 * the operator before the first operand to parse, for its error message. */
static int parse_chain(parser *p, tkind op_kind, kz_qnode *first, const token *op,
                       kz_qnode **out);

static int parse_operand(parser *p, tkind op_kind, const token *op, kz_qnode **out) {
  return op_kind == T_OR ? parse_chain(p, T_AND, NULL, op, out) : parse_unary(p, op, out);
}

static int parse_chain(parser *p, tkind op_kind, kz_qnode *first, const token *op,
                       kz_qnode **out) {
  kz_qnode *left = first, *chain = NULL;
  int rc;
  if (op_kind == T_OR && first) {
    /* `first` is the first AND operand: extend it into an and_expr first. */
    rc = parse_chain(p, T_AND, first, NULL, &left);
  } else if (!first) {
    rc = parse_operand(p, op_kind, op, &left);
  } else {
    rc = KZ_OK;
  }
  if (rc) return rc;
  if (p->tok.kind != op_kind) {
    *out = left;
    return KZ_OK;
  }
  rc = node_new(p, op_kind == T_OR ? KZ_Q_OR : KZ_Q_AND, left->position, &chain);
  if (rc) {
    kz_qnode_free(left);
    return rc;
  }
  if ((rc = add_child(p, chain, left)) != KZ_OK) goto fail;
  while (p->tok.kind == op_kind) {
    token this_op = p->tok;
    kz_qnode *operand;
    if ((rc = lex(p)) != KZ_OK) goto fail;
    if ((rc = parse_operand(p, op_kind, &this_op, &operand)) != KZ_OK) goto fail;
    if ((rc = add_child(p, chain, operand)) != KZ_OK) goto fail;
  }
  *out = chain;
  return KZ_OK;
fail:
  kz_qnode_free(chain);
  return rc;
}

/* clause := ['+' | '-'] or_expr, with the occur rules in the file comment. */
static int parse_clause(parser *p, kz_qnode **out) {
  kz_occur occur = KZ_OCCUR_DEFAULT;
  kz_qnode *node = NULL;
  int rc;
  tkind k = p->tok.kind;
  if (k == T_PLUS || k == T_MINUS || k == T_NOT) {
    token lead = p->tok;
    if (k == T_NOT) {
      if ((rc = enter(p, lead.pos)) != KZ_OK) return rc;
      if ((rc = lex(p)) == KZ_OK) rc = parse_unary(p, &lead, &node);
      p->depth--;
    } else {
      rc = parse_modified(p, &lead, &node);
    }
    if (rc) return rc;
    if (p->tok.kind == T_AND || p->tok.kind == T_OR) {
      if (k != T_PLUS && (rc = wrap_not(p, &node, lead.pos)) != KZ_OK) return rc;
      if ((rc = parse_chain(p, T_OR, node, NULL, &node)) != KZ_OK) return rc;
    } else {
      occur = k == T_PLUS ? KZ_OCCUR_MUST : KZ_OCCUR_MUST_NOT;
    }
  } else {
    if ((rc = parse_chain(p, T_OR, NULL, NULL, &node)) != KZ_OK) return rc;
  }
  node->occur = occur;
  *out = node;
  return KZ_OK;
}

/* list := clause+ ; nested lists end at ')' and may dissolve into their
 * single DEFAULT clause. The current token starts the list. */
static int parse_list(parser *p, int nested, size_t open_pos, kz_qnode **out) {
  kz_qnode *list = NULL;
  int rc = node_alloc(p, KZ_Q_LIST, nested ? open_pos : 0, &list);
  if (rc) return rc;
  for (;;) {
    if (p->tok.kind == T_END) {
      if (!nested) break;
      rc = kz_error_set_at(p->err, KZ_ERR_QUERY, open_pos,
                           "unbalanced parenthesis: '(' at %zu is never closed", open_pos);
      goto fail;
    }
    if (p->tok.kind == T_RPAREN) {
      if (!nested) {
        rc = need_term(p, &p->tok);
        goto fail;
      }
      if (list->n_children == 0) {
        rc = kz_error_set_at(p->err, KZ_ERR_QUERY, open_pos, "empty parentheses at %zu", open_pos);
        goto fail;
      }
      if ((rc = lex(p)) != KZ_OK) goto fail;
      break;
    }
    kz_qnode *clause;
    if ((rc = parse_clause(p, &clause)) != KZ_OK) goto fail;
    if ((rc = add_child(p, list, clause)) != KZ_OK) goto fail;
  }
  if (list->n_children == 0) {
    rc = kz_error_set_at(p->err, KZ_ERR_QUERY, 0, "empty query");
    goto fail;
  }
  if (nested) {
    if (list->n_children == 1 && list->children[0]->occur == KZ_OCCUR_DEFAULT) {
      kz_qnode *only = list->children[0];
      node_dissolve(list);
      *out = only;
      return KZ_OK;
    }
    if ((rc = count_node(p, open_pos)) != KZ_OK) goto fail;
  }
  *out = list;
  return KZ_OK;
fail:
  kz_qnode_free(list);
  return rc;
}

int kz_query_parse(kz_qnode **out, const char *query, size_t len, kz_error *err) {
  assert(out);
  assert(query || len == 0);
  if (len > KZ_MAX_QUERY_BYTES)
    return kz_error_set_at(err, KZ_ERR_LIMIT, KZ_MAX_QUERY_BYTES,
                           "query is longer than %u bytes (%zu)", (unsigned)KZ_MAX_QUERY_BYTES,
                           len);
  parser p = {0};
  p.query = query ? query : "";
  p.len = len;
  p.at_token_start = 1;
  p.err = err;
  int rc = lex(&p);
  if (rc) return rc;
  return parse_list(&p, 0, 0, out);
}
