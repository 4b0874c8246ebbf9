/*
 * txt_article.h - reads a .txt article (a file of a folder of articles, or
 * one named directly) as a document: first non-empty line as title, the
 * rest as body.
 */
#ifndef KZ_TXT_ARTICLE_H
#define KZ_TXT_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "kzsearch.h"

/*
 * Reads the article at `path` into `text` (cleared first, reused from call
 * to call) and fills *doc: the first non-empty line (trimmed, after a UTF-8
 * byte order mark) as title, the rest as body, `id` as id (it must outlive
 * the document, as `text` must). Adds the bytes read to *bytes.
 * @return 1 with *doc filled; 0 when the file is skipped (cannot be opened
 *         or read, larger than KZ_MAX_DOC_BYTES, empty), with the reason in
 *         why[why_size]; KZ_ERR_NOMEM with err set.
 */
int kz_txt_article_read(kz_buf *text, const char *path, const char *id, size_t id_len,
                        kz_document *doc, char *why, size_t why_size, uint64_t *bytes,
                        kz_error *err);

#endif /* KZ_TXT_ARTICLE_H */
