/*
 * json_out.c - JSON strings and numbers for --json output (see json_out.h).
 *
 * The UTF-8 check follows the table of well-formed byte sequences in the
 * Unicode standard (ch. 3, table 3-7): overlong forms, surrogates and code
 * points above U+10FFFF are invalid. The decoder takes (p, end) and never
 * reads past end.
 */
#include "json_out.h"

#include <math.h>
#include <string.h>

size_t cli_utf8_sequence(const unsigned char *s, const unsigned char *end, size_t *bad_len) {
  unsigned char c = s[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  *bad_len = 1;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;      /* no overlongs */
    else if (c == 0xED) hi = 0x9F; /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;      /* no overlongs */
    else if (c == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
  } else {
    return 0; /* continuation byte, C0, C1 or F5..FF */
  }
  size_t i = 1;
  for (; i < need; i++) {
    if (s + i >= end) break;
    unsigned char b = s[i];
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
  }
  if (i == need) return need;
  *bad_len = i; /* the lead byte plus the continuation bytes that fit */
  return 0;
}

void cli_json_string(FILE *f, const char *str, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)str, *end = s + len;
  fputc('"', f);
  while (s < end) {
    unsigned char c = *s;
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != 0x7f) {
      /* Copy the run of plain ASCII at once. */
      const unsigned char *run = s;
      while (s < end && *s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\' && *s != 0x7f) s++;
      fwrite(run, 1, (size_t)(s - run), f);
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
          fputs("\\u00", f);
          fputc(hex[c >> 4], f);
          fputc(hex[c & 15], f);
      }
      s++;
      continue;
    }
    size_t bad;
    size_t n = cli_utf8_sequence(s, end, &bad);
    if (n == 0) {
      fputs("\\ufffd", f);
      s += bad;
    } else if (n == 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) {
      /* U+2028/U+2029 are valid JSON but end lines in JavaScript. */
      fputs(s[2] == 0xA8 ? "\\u2028" : "\\u2029", f);
      s += 3;
    } else {
      fwrite(s, 1, n, f);
      s += n;
    }
  }
  fputc('"', f);
}

void cli_json_cstring(FILE *f, const char *s) {
  if (!s) {
    fputs("null", f);
    return;
  }
  size_t len = 0;
  while (s[len]) len++;
  cli_json_string(f, s, len);
}

/* Where s[raw] lands in the decoded output of cli_json_string(s, len). */
static size_t decoded_offset(const unsigned char *s, size_t len, size_t raw) {
  const unsigned char *p = s, *end = s + len, *stop = s + (raw < len ? raw : len);
  size_t out = 0;
  while (p < stop) {
    size_t bad, n = cli_utf8_sequence(p, end, &bad);
    out += n ? n : 3; /* U+FFFD takes three bytes */
    p += n ? n : bad;
  }
  return out;
}

void cli_json_spans(FILE *f, const char *s, size_t len, const kz_span *spans, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  fputc('[', f);
  for (size_t i = 0; spans && i < n; i++)
    fprintf(f, "%s[%zu,%zu]", i ? "," : "", decoded_offset(u, len, spans[i].start),
            decoded_offset(u, len, spans[i].end));
  fputc(']', f);
}

void cli_json_double(FILE *f, double v) {
  if (!isfinite(v)) {
    fputs("null", f);
    return;
  }
  fprintf(f, "%.9g", v);
}

void cli_json_explanation(FILE *f, const kz_explanation *e) {
  fputs("{\"kind\":", f);
  cli_json_cstring(f, e->kind ? e->kind : "");
  fputs(",\"value\":", f);
  cli_json_double(f, e->value);
  fputs(",\"description\":", f);
  cli_json_cstring(f, e->description ? e->description : "");
  if (e->children && e->n_children) {
    fputs(",\"children\":[", f);
    for (size_t i = 0; i < e->n_children; i++) {
      if (i) fputc(',', f);
      cli_json_explanation(f, &e->children[i]);
    }
    fputc(']', f);
  }
  fputc('}', f);
}

/* Every member of a hit's object but the closing brace. */
static void hit_members(FILE *f, const kz_hit *h, uint64_t rank) {
  const char *title = h->title ? h->title : "", *snippet = h->snippet ? h->snippet : "";
  fprintf(f, "{\"type\":\"hit\",\"rank\":%llu,\"id\":", (unsigned long long)rank);
  cli_json_cstring(f, h->id ? h->id : "");
  fputs(",\"score\":", f);
  cli_json_double(f, h->score);
  fputs(",\"title\":", f);
  cli_json_cstring(f, title);
  fputs(",\"title_highlights\":", f);
  cli_json_spans(f, title, strlen(title), h->title_highlights, h->n_title_highlights);
  fputs(",\"date\":", f);
  cli_json_cstring(f, h->date && h->date[0] ? h->date : NULL);
  fputs(",\"url\":", f);
  cli_json_cstring(f, h->url && h->url[0] ? h->url : NULL);
  fputs(",\"snippet\":", f);
  cli_json_cstring(f, snippet);
  fputs(",\"highlights\":", f);
  cli_json_spans(f, snippet, strlen(snippet), h->highlights, h->n_highlights);
}

/* ,"explanation":{..} when there is one. */
static void explanation_member(FILE *f, const kz_explanation *explanation) {
  if (!explanation) return;
  fputs(",\"explanation\":", f);
  cli_json_explanation(f, explanation);
}

void cli_json_hit(FILE *f, const kz_hit *h, uint64_t rank, const kz_explanation *explanation) {
  hit_members(f, h, rank);
  explanation_member(f, explanation);
  fputc('}', f);
}

void cli_json_hit_at(FILE *f, const kz_hits *hits, size_t i, uint64_t rank) {
  hit_members(f, kz_hits_at(hits, i), rank);
  fputs(",\"similar\":[", f);
  for (size_t j = 0; j < kz_hits_similar_size(hits, i); j++) {
    if (j) fputc(',', f);
    cli_json_cstring(f, kz_hits_similar_at(hits, i, j));
  }
  fputc(']', f);
  explanation_member(f, kz_hits_explanation_at(hits, i));
  fputc('}', f);
}

void cli_json_error(FILE *f, const char *code, const char *message, long long position) {
  fputs("{\"error\":{\"code\":", f);
  cli_json_cstring(f, code);
  fputs(",\"message\":", f);
  cli_json_cstring(f, message);
  if (position >= 0) fprintf(f, ",\"position\":%lld", position);
  fputs("}}", f);
}

void cli_json_stats_members(FILE *f, const kz_index_stats *st) {
  size_t lang_len = 0; /* a fixed-size field filled by the library; never trust a NUL */
  while (lang_len < sizeof st->language && st->language[lang_len]) lang_len++;
  fprintf(f,
          "\"documents\":%llu,\"deleted_documents\":%llu,\"segments\":%llu,\"terms\":%llu,"
          "\"postings\":%llu,\"positions\":%llu,\"avg_doc_length\":",
          (unsigned long long)st->documents, (unsigned long long)st->deleted_documents,
          (unsigned long long)st->segments, (unsigned long long)st->terms,
          (unsigned long long)st->postings, (unsigned long long)st->positions);
  cli_json_double(f, st->avg_doc_length);
  fprintf(f, ",\"format_version\":%u,\"generation\":%llu,\"language\":",
          (unsigned)st->format_version, (unsigned long long)st->generation);
  cli_json_string(f, st->language, lang_len);
}

void cli_json_stored(FILE *f, const kz_stored *d) {
  fputs("{\"type\":\"document\",\"id\":", f);
  cli_json_string(f, d->id, d->id_len);
  fputs(",\"title\":", f);
  cli_json_string(f, d->title, d->title_len);
  fputs(",\"date\":", f);
  if (d->date_len) cli_json_string(f, d->date, d->date_len); else fputs("null", f);
  fputs(",\"url\":", f);
  if (d->url_len) cli_json_string(f, d->url, d->url_len); else fputs("null", f);
  fputs(",\"body\":", f);
  cli_json_string(f, d->body, d->body_len);
  fputc('}', f);
}

void cli_json_suggestion_member(FILE *f, const kz_hits *hits) {
  const char *s = kz_hits_suggestion(hits);
  if (!s[0]) return;
  fputs(",\"suggestion\":", f);
  cli_json_cstring(f, s);
}

void cli_json_also_matched(FILE *f, const kz_hits *hits) {
  fputs("\"also_matched\":[", f);
  for (size_t i = 0; i < kz_hits_also_matched_size(hits); i++) {
    if (i) fputc(',', f);
    cli_json_cstring(f, kz_hits_also_matched_at(hits, i));
  }
  fputc(']', f);
}

void cli_json_facet(FILE *f, const kz_facet_count *bucket) {
  fputs("{\"type\":\"facet\",\"field\":\"date\",\"bucket\":", f);
  cli_json_cstring(f, bucket->bucket);
  fprintf(f, ",\"count\":%llu}", (unsigned long long)bucket->count);
}

void cli_json_acronyms(FILE *f, const char *id, size_t id_len, const kz_acronym_def *defs, size_t n) {
  fputs("{\"id\":", f);
  cli_json_string(f, id, id_len);
  fputs(",\"pairs\":[", f);
  for (size_t i = 0; i < n; i++) {
    fputs(i ? ",[" : "[", f);
    cli_json_cstring(f, defs[i].short_form);
    fputc(',', f);
    cli_json_cstring(f, defs[i].long_form);
    fputc(']', f);
  }
  fputs("]}", f);
}

void cli_json_alias(FILE *f, const kz_alias *a) {
  fputs("{\"type\":\"alias\",\"short\":", f);
  cli_json_cstring(f, a->short_form);
  fputs(",\"long\":", f);
  cli_json_cstring(f, a->long_form);
  fprintf(f, ",\"docs\":%llu,\"expanded\":%s}", (unsigned long long)a->docs,
          a->expanded ? "true" : "false");
}

void cli_json_expansions(FILE *f, const kz_hits *hits) {
  fputs("{\"type\":\"expansions\",\"expansions\":[", f);
  for (size_t i = 0; i < kz_hits_expansion_size(hits); i++) {
    const kz_expansion *e = kz_hits_expansion_at(hits, i);
    fputs(i ? ",{\"from\":" : "{\"from\":", f);
    cli_json_cstring(f, e->from);
    fputs(",\"to\":", f);
    cli_json_cstring(f, e->to);
    fprintf(f, ",\"docs\":%llu}", (unsigned long long)e->docs);
  }
  fputs("]}", f);
}
