/*
 * api.h - the endpoint handlers srv_route dispatches to (server/router.c).
 * Each fills `rs` completely: a JSON body and its status, or an error.
 */
#ifndef KZ_SERVER_API_H
#define KZ_SERVER_API_H

#include "server/app.h"
#include "server/params.h"

/* Answers no more hits per request than this (k + offset), like the CLI's paging. */
#define SRV_MAX_HITS 1000
#define SRV_MAX_OFFSET 100000

/* GET /api/search (query string) and POST /api/search (JSON object): params already decoded. */
void srv_api_search(srv_app *app, const srv_params *params, srv_response *rs);

void srv_api_health(srv_app *app, srv_response *rs);
void srv_api_stats(srv_app *app, srv_response *rs);

/* GET /api/documents/{id}. */
void srv_api_document_get(srv_app *app, const char *id, srv_response *rs);
/* POST /api/documents: NDJSON body. DELETE /api/documents/{id}. Authorization checked before. */
void srv_api_documents_post(srv_app *app, const char *body, size_t len, srv_response *rs);
void srv_api_document_delete(srv_app *app, const char *id, srv_response *rs);

#endif /* KZ_SERVER_API_H */
