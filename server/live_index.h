/*
 * live_index.h - the index as the server sees it: always the last commit.
 *
 * Each request takes a snapshot (srv_live_acquire) and gives it back when it
 * is done (srv_live_release). When the index's MANIFEST has been replaced by
 * a commit (of `kzsearch index`, `delete`, `compact` or the server itself),
 * the next acquire opens the new commit and makes it current; requests still
 * running on the old snapshot finish there, and the old snapshot is closed by
 * whoever releases it last. So nothing is restarted and nothing leaks.
 */
#ifndef KZ_SERVER_LIVE_INDEX_H
#define KZ_SERVER_LIVE_INDEX_H

#include "kzsearch.h"

typedef struct srv_live srv_live;
typedef struct srv_snapshot srv_snapshot;

/* @return KZ_OK or KZ_ERR_NOMEM. No index needs to exist yet. */
int srv_live_new(srv_live **out, const char *path);

/*
 * The current commit, reopened when the MANIFEST changed. *index is borrowed
 * until srv_live_release(live, *snap).
 * @return KZ_OK; KZ_ERR_NO_INDEX when there is no index yet; the error of
 *         kz_index_open otherwise (err filled).
 */
int srv_live_acquire(srv_live *live, srv_snapshot **snap, kz_index **index, kz_error *err);

void srv_live_release(srv_live *live, srv_snapshot *snap);

/*
 * Stat MANIFEST at most once every `microseconds` (0, the default: on every
 * acquire). A commit of another process is then seen by the acquires that
 * start more than that long after it.
 */
void srv_live_set_check_interval(srv_live *live, unsigned microseconds);

/* The index was committed by this process: the next acquire looks at MANIFEST whatever the interval. */
void srv_live_changed(srv_live *live);

/* Snapshots opened so far (each commit seen once): for tests and stats. */
unsigned long srv_live_opened(srv_live *live);

/* Closes the current snapshot. Every acquired snapshot must have been released. */
void srv_live_free(srv_live *live);

#endif /* KZ_SERVER_LIVE_INDEX_H */
