#include "observe.h"

#include <stdio.h>

#include "checkpoint.h"
#include "dbwatch.h"
#include "digest.h"
#include "intake.h"
#include "metrics.h"
#include "monitor.h"

void hub_observe_status(void *data, char *buf, size_t len)
{
    struct hub_observe *m = data;
    struct hub_intake_stats st;
    size_t n = sizeof(m->minute) / sizeof(m->minute[0]);
    uint64_t oldest;
    char db[160];

    hub_intake_stats(m->intake, &st);
    /* Called every 2 s: the slot 30 refreshes ago is a minute old. */
    oldest = m->minute[m->slot];
    m->minute[m->slot] = st.entries_committed;
    m->slot = (m->slot + 1) % n;
    hub_dbwatch_status(m->dbwatch, db, sizeof(db));
    snprintf(buf, len,
             "%zu/%zu nodes up, %llu entries/min, last bulletin: %s%s%s",
             st.sessions,
             m->nodes_known > st.sessions ? m->nodes_known : st.sessions,
             (unsigned long long)(st.entries_committed - oldest),
             m->last_bulletin[0] ? m->last_bulletin : "none yet",
             db[0] ? "; " : "", db);
}

void hub_observe_metrics(void *data, struct lu_buf *b)
{
    struct hub_observe *m = data;
    struct hub_intake_stats st;
    struct lu_histo sync;

    hub_intake_stats(m->intake, &st);
    lu_metrics_header(b, "luyu_hub_entries_total", "counter",
                      "Entries received from nodes, by outcome.");
    lu_metrics_u64(b, "luyu_hub_entries_total", "outcome=\"committed\"",
                   st.entries_committed);
    lu_metrics_u64(b, "luyu_hub_entries_total", "outcome=\"duplicate\"",
                   st.entries_duplicate);
    lu_metrics_u64(b, "luyu_hub_entries_total", "outcome=\"rejected\"",
                   st.entries_rejected);
    lu_metrics_counter(b, "luyu_hub_entries_received_total",
                       "Entries received from nodes, whatever came of them.",
                       st.entries_committed + st.entries_duplicate +
                           st.entries_rejected);
    lu_metrics_counter(b, "luyu_hub_frames_malformed_total",
                       "Frames that did not decode or check.",
                       st.frames_malformed);
    lu_metrics_header(b, "luyu_hub_frames_refused_total", "counter",
                      "Frames refused for who sent them: a key writing in "
                      "another key's session or claiming another node "
                      "(not_owner), a key no longer in the registry "
                      "(key_not_registered).");
    lu_metrics_u64(b, "luyu_hub_frames_refused_total", "reason=\"not_owner\"",
                   st.refused_owner);
    lu_metrics_u64(b, "luyu_hub_frames_refused_total",
                   "reason=\"key_not_registered\"", st.refused_key);
    lu_metrics_counter(b, "luyu_hub_replies_dropped_total",
                       "Replies not sent: the peer was gone or did not read "
                       "(its send queue full).",
                       st.replies_dropped);
    lu_metrics_counter(b, "luyu_hub_commits_total",
                       "Ledger transactions committed (group commits).",
                       st.commits);
    lu_metrics_gauge(b, "luyu_hub_nodes_connected",
                     "Nodes with a live session.", (double)st.sessions);
    lu_metrics_gauge(b, "luyu_hub_groups_held",
                     "Committed groups whose acks wait for their WAL sync.",
                     (double)st.groups_held);
    hub_monitor_metrics(m->monitor, b);
    hub_dbwatch_metrics(m->dbwatch, b);
    lu_histo_write(b, hub_intake_commit_latency(m->intake),
                   "luyu_hub_commit_latency_seconds",
                   "Time from BEGIN to COMMIT of a group commit.", NULL);
    if (hub_intake_wal_sync_latency(m->intake, &sync))
        lu_histo_write(b, &sync, "luyu_hub_wal_sync_seconds",
                       "fdatasyncs of the ledger's WAL off the loop: a "
                       "group's acks are sent once one returned.",
                       NULL);
    if (m->checkpointer != NULL) {
        struct lu_checkpointer_stats ck;

        lu_checkpointer_stats(m->checkpointer, &ck);
        lu_metrics_header(b, "luyu_hub_wal_checkpoints_total", "counter",
                          "Checkpoints of the ledger's WAL: by the thread "
                          "for them, or by a commit once the WAL had grown "
                          "too long (common/checkpoint.c).");
        lu_metrics_u64(b, "luyu_hub_wal_checkpoints_total", "where=\"thread\"",
                       ck.runs);
        lu_metrics_u64(b, "luyu_hub_wal_checkpoints_total", "where=\"commit\"",
                       ck.inline_runs);
    }
    lu_metrics_gauge(b, "luyu_hub_digest_done_entry",
                     "Entry id up to which the ledger's block digests are "
                     "stored.",
                     (double)ledger_digester_done(m->digester));
    lu_metrics_gauge(b, "luyu_hub_digest_backlog_entries",
                     "Entries of final blocks not yet digested.",
                     (double)ledger_digester_backlog(m->digester));
    lu_metrics_header(b, "luyu_hub_bulletins_total", "counter",
                      "Bulletins issued by this hub, delivered to the peer, "
                      "acknowledged by the peer.");
    lu_metrics_u64(b, "luyu_hub_bulletins_total", "state=\"issued\"",
                   m->bulletins_issued);
    lu_metrics_u64(b, "luyu_hub_bulletins_total", "state=\"delivered\"",
                   m->bulletins_delivered);
    lu_metrics_u64(b, "luyu_hub_bulletins_total", "state=\"acknowledged\"",
                   m->bulletins_acked);
}
