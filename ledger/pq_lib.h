/* libpq, for the ledger on PostgreSQL (ledger/pg.c), is loaded with
 * dlopen() when a hub or luyuctl first meets a `ledger =
 * postgresql://...`, not linked: a province on one machine with its ledger
 * in SQLite (the default) then needs neither libpq5 installed nor its
 * pages (and libssl, libgssapi, libldap that come with it) mapped into
 * every process. Only the header is used at build time; the calls in
 * pg.c go through the pointers below by the macros at the end. Internal
 * to ledger/ (ledger__ prefix). */
#ifndef LEDGER_PQ_LIB_H
#define LEDGER_PQ_LIB_H

#include <libpq-fe.h>
#include <stddef.h>

struct ledger__pq {
    PGconn *(*connectdb_params)(const char *const *, const char *const *, int);
    ConnStatusType (*status)(const PGconn *);
    char *(*error_message)(const PGconn *);
    void (*finish)(PGconn *);
    PQnoticeProcessor (*set_notice_processor)(PGconn *, PQnoticeProcessor,
                                              void *);
    PQconninfoOption *(*conninfo_parse)(const char *, char **);
    void (*conninfo_free)(PQconninfoOption *);
    void (*freemem)(void *);
    PGresult *(*exec)(PGconn *, const char *);
    PGresult *(*exec_params)(PGconn *, const char *, int, const Oid *,
                             const char *const *, const int *, const int *,
                             int);
    int (*send_query_params)(PGconn *, const char *, int, const Oid *,
                             const char *const *, const int *, const int *,
                             int);
    PGresult *(*get_result)(PGconn *);
    int (*enter_pipeline_mode)(PGconn *);
    int (*exit_pipeline_mode)(PGconn *);
    int (*pipeline_sync)(PGconn *);
    int (*flush)(PGconn *);
    PGTransactionStatusType (*transaction_status)(const PGconn *);
    ExecStatusType (*result_status)(const PGresult *);
    char *(*result_error_message)(const PGresult *);
    int (*ntuples)(const PGresult *);
    char *(*getvalue)(const PGresult *, int, int);
    int (*getisnull)(const PGresult *, int, int);
    void (*clear)(PGresult *);
    int (*nfields)(const PGresult *);
    Oid (*ftype)(const PGresult *, int);
    int (*getlength)(const PGresult *, int, int);
    char *(*cmd_tuples)(PGresult *);
};

extern struct ledger__pq ledger__pq;

/* Loads libpq once per process (any thread; the first caller loads, the
 * others wait). 0, or -ENOENT with the reason in err. */
int ledger__pq_load(char *err, size_t errlen);

#define PQconnectdbParams ledger__pq.connectdb_params
#define PQstatus ledger__pq.status
#define PQerrorMessage ledger__pq.error_message
#define PQfinish ledger__pq.finish
#define PQsetNoticeProcessor ledger__pq.set_notice_processor
#define PQconninfoParse ledger__pq.conninfo_parse
#define PQconninfoFree ledger__pq.conninfo_free
#define PQfreemem ledger__pq.freemem
#define PQexec ledger__pq.exec
#define PQexecParams ledger__pq.exec_params
#define PQsendQueryParams ledger__pq.send_query_params
#define PQgetResult ledger__pq.get_result
#define PQenterPipelineMode ledger__pq.enter_pipeline_mode
#define PQexitPipelineMode ledger__pq.exit_pipeline_mode
#define PQpipelineSync ledger__pq.pipeline_sync
#define PQflush ledger__pq.flush
#define PQtransactionStatus ledger__pq.transaction_status
#define PQresultStatus ledger__pq.result_status
#define PQresultErrorMessage ledger__pq.result_error_message
#define PQntuples ledger__pq.ntuples
#define PQgetvalue ledger__pq.getvalue
#define PQgetisnull ledger__pq.getisnull
#define PQclear ledger__pq.clear
#define PQnfields ledger__pq.nfields
#define PQftype ledger__pq.ftype
#define PQgetlength ledger__pq.getlength
#define PQcmdTuples ledger__pq.cmd_tuples

#endif
