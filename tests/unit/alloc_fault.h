/*
 * alloc_fault.h - what the allocation failure tests (test_alloc_failure*.c)
 * share: the failing allocator (alloc_fault.c, linked with GNU ld --wrap,
 * tests/CMakeLists.txt), the verdict of a run (BAD, status_ok) and the
 * runner that fails each allocation of a scenario in turn (run_faults).
 */
#ifndef KZ_ALLOC_FAULT_H
#define KZ_ALLOC_FAULT_H

#include <stdint.h>
#include <stdio.h>

#include "kzsearch.h"

/* Set by a scenario when something is wrong; the run then counts as failed. */
extern int g_bad;
extern uint64_t g_n;       /* the failing allocation of the current run (0: the counting run) */
extern unsigned g_thread;  /* ... of this thread */
extern const char *g_scenario;

#define BAD(...)                                                        \
  do {                                                                  \
    fprintf(stderr, "scenario %s, thread %u, N=%llu: ", g_scenario, g_thread, (unsigned long long)g_n); \
    fprintf(stderr, __VA_ARGS__);                                       \
    fputc('\n', stderr);                                                \
    g_bad = 1;                                                          \
  } while (0)

/*
 * A status is acceptable when it is KZ_OK, or KZ_ERR_NOMEM while failures are
 * being injected (nothing else may fail here: the inputs are all valid).
 * Anything else is BAD. @return 1 for KZ_OK, else 0.
 */
int status_ok(const char *call, int rc, const kz_error *err);

/* Stops failing and counting allocations (a scenario's checks are the test's own). */
void disarm(void);

/* Resumes after disarm, counting on (an unarmed check in the middle of a run). */
void rearm(void);

/*
 * Runs `run` once to count each thread's allocations, then once for every
 * allocation of every thread, failing it (from the Nth on, every allocation,
 * when `persistent`); `prepare` makes the fixture before each run.
 * @return failed runs; *tried gets the number of runs.
 */
uint64_t run_faults(const char *name, int persistent, int (*prepare)(void), void (*run)(void),
                    uint64_t *tried);

/* Makes a crash name the run it happened in (KZ_FAULT_N to rerun it). */
void report_crashes(void);

#endif /* KZ_ALLOC_FAULT_H */
