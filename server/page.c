/*
 * page.c - serving the compiled-in search page (see page.h).
 */
#include "server/page.h"

#include <string.h>

void srv_page_respond(srv_response *rs) {
  memset(rs, 0, sizeof *rs);
  rs->status = 200;
  rs->content_type = "text/html; charset=utf-8";
  rs->static_body = (const char *)srv_page_html;
  rs->body_len = srv_page_html_len;
  rs->cacheable = 1;
}
