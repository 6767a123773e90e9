/* dlopen() of libpq for ledger/pg.c: see pq_lib.h. */
#include "pq_lib.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct ledger__pq ledger__pq;

/* What the one load found: 0 or -ENOENT, and why. Written once, under
 * pthread_once, read after it. */
static int load_result;
static char load_error[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define SYM(lib, field, name)                                                  \
    do {                                                                       \
        *(void **)&ledger__pq.field = dlsym(lib, name);                        \
        if (ledger__pq.field == NULL)                                          \
            goto fail;                                                         \
    } while (0)

static void load(void)
{
    void *l = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);

    if (l == NULL)
        goto fail;
    SYM(l, connectdb_params, "PQconnectdbParams");
    SYM(l, status, "PQstatus");
    SYM(l, error_message, "PQerrorMessage");
    SYM(l, finish, "PQfinish");
    SYM(l, set_notice_processor, "PQsetNoticeProcessor");
    SYM(l, conninfo_parse, "PQconninfoParse");
    SYM(l, conninfo_free, "PQconninfoFree");
    SYM(l, freemem, "PQfreemem");
    SYM(l, exec, "PQexec");
    SYM(l, exec_params, "PQexecParams");
    SYM(l, send_query_params, "PQsendQueryParams");
    SYM(l, get_result, "PQgetResult");
    SYM(l, enter_pipeline_mode, "PQenterPipelineMode");
    SYM(l, exit_pipeline_mode, "PQexitPipelineMode");
    SYM(l, pipeline_sync, "PQpipelineSync");
    SYM(l, flush, "PQflush");
    SYM(l, transaction_status, "PQtransactionStatus");
    SYM(l, result_status, "PQresultStatus");
    SYM(l, result_error_message, "PQresultErrorMessage");
    SYM(l, ntuples, "PQntuples");
    SYM(l, getvalue, "PQgetvalue");
    SYM(l, getisnull, "PQgetisnull");
    SYM(l, clear, "PQclear");
    SYM(l, nfields, "PQnfields");
    SYM(l, ftype, "PQftype");
    SYM(l, getlength, "PQgetlength");
    SYM(l, cmd_tuples, "PQcmdTuples");
    load_result = 0;
    return;
fail:
    /* The library stays loaded if a symbol was missing: a libpq too old
     * for pipeline mode (before PostgreSQL 14) is named by dlerror(). */
    snprintf(load_error, sizeof(load_error),
             "ledger: cannot load libpq.so.5 (Debian: libpq5, PostgreSQL "
             "14 or later) for the PostgreSQL ledger: %s",
             dlerror());
    load_result = -ENOENT;
}

int ledger__pq_load(char *err, size_t errlen)
{
    pthread_once(&once, load);
    if (load_result < 0)
        snprintf(err, errlen, "%s", load_error);
    return load_result;
}
