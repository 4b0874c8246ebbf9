/*
 * page.h - the search page served at `/`: one self-contained HTML file
 * (server/page/index.html: HTML, CSS and plain JavaScript, no framework, no
 * CDN), compiled into the binary at build time by cmake/embed.cmake.
 */
#ifndef KZ_SERVER_PAGE_H
#define KZ_SERVER_PAGE_H

#include "server/request.h"

/* Defined by the generated file (build directory: server_page.c). */
extern const unsigned char srv_page_html[];
extern const unsigned long srv_page_html_len;

/* 200 with the page. */
void srv_page_respond(srv_response *rs);

#endif /* KZ_SERVER_PAGE_H */
