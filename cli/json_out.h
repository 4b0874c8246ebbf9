/*
 * json_out.h - writing JSON values and kzsearch's result objects to a stream.
 *
 * Strings are always valid JSON and valid UTF-8 whatever the input bytes:
 * each maximal invalid UTF-8 subsequence becomes one \ufffd (the
 * WHATWG/Unicode "substitution of maximal subparts" rule), control characters
 * are escaped, other valid UTF-8 is copied as is.
 */
#ifndef KZ_CLI_JSON_OUT_H
#define KZ_CLI_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kzsearch.h"

/* Writes s[0..len) as a quoted JSON string. */
void cli_json_string(FILE *f, const char *s, size_t len);

/* Writes a NUL-terminated string, or null when s is NULL. */
void cli_json_cstring(FILE *f, const char *s);

/*
 * Writes spans of s[0..len) as [[start,end],...], byte offsets into the
 * string that cli_json_string writes once a reader decodes it (each invalid
 * subpart becomes the three bytes of U+FFFD), so that they index what a web
 * page gets.
 */
void cli_json_spans(FILE *f, const char *s, size_t len, const kz_span *spans, size_t n);

/* Writes a number with 9 significant digits; NaN and infinities become null. */
void cli_json_double(FILE *f, double v);

/*
 * Length of the valid UTF-8 sequence starting at s[0] (1..4), or 0 when the
 * bytes there are not valid UTF-8; then *bad_len is how many bytes form the
 * maximal invalid subpart to replace by one U+FFFD (at least 1).
 */
size_t cli_utf8_sequence(const unsigned char *s, const unsigned char *end, size_t *bad_len);

/*
 * The one JSON writer of results, shared by `--json` and the HTTP server
 * (server/), so that both give the same objects. None writes a newline.
 */

/*
 * {"type":"hit","rank":R,"id":..,"score":..,"title":..,"date":..,"snippet":..,"highlights":[..]},
 * with "explanation":{..} (cli_json_explanation) at the end when explanation is not NULL.
 */
void cli_json_hit(FILE *f, const kz_hit *h, uint64_t rank, const kz_explanation *explanation);
/*
 * Hit i of hits as cli_json_hit, with the ids of the near-duplicates folded into it,
 * {..,"similar":["id",..]} (empty when none, or when collapsing was off), and its explanation
 * when the search explained.
 */
void cli_json_hit_at(FILE *f, const kz_hits *hits, size_t i, uint64_t rank);

/*
 * An explanation tree (kzsearch.h, kz_search_options.explain):
 * {"kind":..,"value":X,"description":..,"children":[..]}, children left out when there are none.
 */
void cli_json_explanation(FILE *f, const kz_explanation *e);

/* A stored document (kz_index_get), absent date and url as null:
 * {"type":"document","id":..,"title":..,"date":..,"url":..,"body":..}. */
void cli_json_stored(FILE *f, const kz_stored *doc);

/*
 * The members of an index's statistics, without braces:
 * "documents":N,"deleted_documents":N,"segments":N,"terms":N,"postings":N,
 * "positions":N,"avg_doc_length":X,"format_version":N,"generation":N,"language":".."
 */
void cli_json_stats_members(FILE *f, const kz_index_stats *st);

/*
 * The member "also_matched":["mangystau",...] (other spellings of the
 * query's names that matched, kz_hits_also_matched_at), without braces; an
 * empty list when there were none or hits is NULL.
 */
void cli_json_also_matched(FILE *f, const kz_hits *hits);

/* {"type":"facet","field":"date","bucket":"2022-01","count":3} */
void cli_json_facet(FILE *f, const kz_facet_count *bucket);

/* ,"suggestion":".." (a "did you mean", kz_hits_suggestion) when hits has one, else nothing. */
void cli_json_suggestion_member(FILE *f, const kz_hits *hits);

/* {"error":{"code":CODE,"message":MESSAGE[,"position":P]}}; position < 0 leaves it out. */
void cli_json_error(FILE *f, const char *code, const char *message, long long position);

/* {"id":..,"pairs":[["SF","long form"],...]}: one document's acronym definitions (no newline). */
void cli_json_acronyms(FILE *f, const char *id, size_t id_len, const kz_acronym_def *defs, size_t n);
/* {"type":"alias","short":..,"long":..,"docs":N,"expanded":bool} (no newline). */
void cli_json_alias(FILE *f, const kz_alias *alias);
/* {"type":"expansions","expansions":[{"from":..,"to":..,"docs":N},...]} (no newline). */
void cli_json_expansions(FILE *f, const kz_hits *hits);

#endif /* KZ_CLI_JSON_OUT_H */
