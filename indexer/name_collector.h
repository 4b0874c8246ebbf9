/*
 * name_collector.h - gathers, while a segment is built, the names table of
 * issue 15 §3 (format/name_table.h): every distinct term that some
 * document writes as a name (analysis/name_key.h, kz_name_capitalised) with
 * its spelling key. Each distinct term is keyed once, so ICU runs once per
 * new Cyrillic name, not per occurrence.
 */
#ifndef KZ_NAME_COLLECTOR_H
#define KZ_NAME_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_name_collector kz_name_collector;

/* For an index in `language` (kz_name_keyer_new). */
int kz_name_collector_new(kz_name_collector **out, const char *language);
void kz_name_collector_free(kz_name_collector *c);
/* Forgets every term (a new segment begins). */
void kz_name_collector_reset(kz_name_collector *c);
size_t kz_name_collector_memory(const kz_name_collector *c);

/*
 * A term (without field byte) written as a name. @return KZ_OK,
 * KZ_ERR_NOMEM, KZ_ERR_INVALID (ICU cannot romanise).
 */
int kz_name_collector_add(kz_name_collector *c, const char *term, size_t len);

/* Writes the collected table as the names file of segment `id` in dir (format/name_table.h). */
int kz_name_collector_write(kz_name_collector *c, const char *dir, uint32_t id, uint64_t *bytes);

#endif /* KZ_NAME_COLLECTOR_H */
