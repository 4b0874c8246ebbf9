/*
 * jsonl.h - turns one JSON Lines record into a kz_document. The only file
 * that includes the json-c headers is jsonl.c.
 *
 * A parser owns one reusable json_tokener and one buffer into which the
 * record's strings are copied, so a parsed document stays valid until the
 * next kz_jsonl_parse call on the same parser, after the json-c objects of
 * the line have been released.
 */
#ifndef KZ_JSONL_H
#define KZ_JSONL_H

#include <stddef.h>

#include "kzsearch.h"

typedef struct kz_jsonl kz_jsonl;

/* @return KZ_OK or KZ_ERR_NOMEM. */
int kz_jsonl_new(kz_jsonl **out);
void kz_jsonl_free(kz_jsonl *j);

/*
 * Parses line[0..len) (no newline; len at most INT_MAX) as one object with
 * "id" (string or integer), "title", "body", "date", "url" (string or null).
 * Unknown fields are ignored; bytes inside strings are passed through as they
 * are (no UTF-8 validation). Every string of *doc is NUL-terminated and lives
 * until the next call; absent fields are NULL with length 0.
 * @return KZ_OK; KZ_ERR_DOCUMENT with a short reason in why[0..why_cap) when
 *         the line is not such an object; KZ_ERR_NOMEM.
 */
int kz_jsonl_parse(kz_jsonl *j, const char *line, size_t len, kz_document *doc, char *why,
                   size_t why_cap);

#endif /* KZ_JSONL_H */
