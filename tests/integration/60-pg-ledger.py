"""The hub's ledger in PostgreSQL: what a careless or hostile config gets
(a clear refusal naming the problem), require_sync_standby, the schema's
version, a second hub waiting as standby and taking over when the active
one stops, and what /metrics says about it. Skipped (77) where PostgreSQL
cannot be started."""
import json
import os
import signal
import subprocess
import urllib.error
import urllib.request

import pgserver
from luyutest import (BIN, Cluster, Daemon, check, free_port, run, say, wait_until)


def refused(c, extra, what):
    """Starts a hub that must refuse; returns its exit status and log."""
    p = subprocess.run(c.hub_argv(extra), capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    out = p.stderr.decode() + p.stdout.decode()
    say("  %s: exit %d: %s" % (what, p.returncode, out.strip().splitlines()[-1:]))
    return p.returncode, out


def metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=30) as r:
        return r.read().decode()


def main():
    pg = pgserver.PgCluster()
    c = Cluster("pg-ledger", secure=False)

    rc, out = refused(c, ["--ledger", "mysql://127.0.0.1/luyu"], "not postgresql://")
    check(rc != 0 and "--ledger: a PostgreSQL connection string" in out,
          "a ledger that is not postgresql://... is refused, naming --ledger")
    rc, out = refused(c, ["--ledger", pg.primary.url() + "?no_such_option=1"], "bad option")
    check(rc != 0 and "not a PostgreSQL connection string" in out and "no_such_option" in out,
          "a connection string libpq cannot parse is refused, naming the option")
    rc, out = refused(c, ["--ledger", "postgresql://luyu@127.0.0.1:%d/luyu" % free_port()],
                      "unreachable")
    check(rc != 0 and "cannot reach the PostgreSQL ledger" in out,
          "an unreachable database is refused with libpq's reason")
    rc, out = refused(c, ["--ledger", pg.url(), "--require-sync-standby"], "no standby")
    check(rc != 0 and "no synchronous standby" in out,
          "require_sync_standby refuses a cluster without a synchronous standby")

    # A hub, and a second one that waits for it.
    web = free_port()
    a = c.start_hub(["--ledger", pg.url(), "--web", "127.0.0.1:%d" % web])
    check(pg.primary.sql("SELECT value FROM meta WHERE key = 'schema'") == "5",
          "the PostgreSQL ledger carries its schema version (5)")
    # libpq is loaded when a PostgreSQL ledger is configured, not linked.
    ldd = subprocess.run(["ldd", os.path.join(BIN, "luyu-hub")], capture_output=True,
                         text=True).stdout
    with open("/proc/%d/maps" % a.proc.pid) as f:
        maps = f.read()
    check("libpq" not in ldd and "libpq.so.5" in maps,
          "luyu-hub does not link libpq; with --ledger postgresql:// it loads it")
    m = metrics(web)
    check("luyu_hub_active 1" in m and "luyu_hub_ledger_term 1" in m,
          "/metrics: this hub is active, term 1")
    check("luyu_hub_sync_standbys 0" in m, "/metrics: no synchronous standby yet")
    # A hub on PostgreSQL does what one on SQLite does: nothing said at
    # start about review, reminders or the dashboard (70-pg-review and
    # 72-pg-dash test them).
    check("no dashboard yet" not in a.log() and "no review of months" not in a.log(),
          "the hub says at start what it does not do on PostgreSQL yet")
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/" % web, timeout=30)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    check(code == 200 and a.alive(), "the dashboard on PostgreSQL: / answers (%d)" % code)
    port_b = free_port()
    argv = c.hub_argv(["--ledger", pg.url()])
    argv[argv.index("--listen") + 1] = "tcp://127.0.0.1:%d" % port_b
    argv[argv.index("--state-dir") + 1] = c.path("hub-b")
    b = Daemon("hub-b", argv, c.path("hub-b.log")).start()
    c.daemons.append(b)
    wait_until(lambda: "standby: another hub holds the ledger" in b.log(), 60,
               "the second hub to wait")
    check(b.alive() and "up: listening" not in b.log(),
          "the second hub waits as standby and does not listen")
    apps = pg.primary.sql("SELECT application_name, count(*) FROM pg_stat_activity"
                          " WHERE application_name LIKE 'luyu-hub%' GROUP BY 1 ORDER BY 1")
    # Readers: the dashboard's two and the digester's thread (ledger/digest.h).
    check(apps == "luyu-hub lock\t2\nluyu-hub reader\t3\nluyu-hub writer\t1",
          "sessions: each hub's lock, the active one's writer and its dashboard's two"
          " readers and its digester's (%s)" % apps.replace("\n", ", "))
    a.stop()
    wait_until(lambda: "up: listening" in b.log(), 60, "the standby to take over")
    check("active: this hub holds the ledger (term 2)" in b.log(),
          "the standby took over when the active hub stopped (term 2)")

    # A hub of another role cannot end the frozen active hub's writer, so
    # it does not become active: it says why and stops (README).
    pg.primary.sql("CREATE ROLE other LOGIN")
    argv = c.hub_argv(["--ledger", pg.url().replace("luyu@", "other@")])
    argv[argv.index("--listen") + 1] = "tcp://127.0.0.1:%d" % free_port()
    argv[argv.index("--state-dir") + 1] = c.path("hub-other")
    o = Daemon("hub-other", argv, c.path("hub-other.log")).start()
    c.daemons.append(o)
    wait_until(lambda: "standby: another hub holds the ledger" in o.log(), 60,
               "the other role's hub to wait")
    b.proc.send_signal(signal.SIGSTOP)
    try:
        rc = o.proc.wait(120)
    finally:
        b.proc.send_signal(signal.SIGCONT)
    # (The tests' role is a superuser: PostgreSQL's reason then says so.)
    check(rc != 0 and "cannot end the previous active hub's sessions: ERROR:" in o.log()
          and "terminate" in o.log() and "up: listening" not in o.log(),
          "a hub of another role refuses to become active (exit %d)" % rc)
    check(b.proc.wait(120) == 75 and "lost the ledger's database session" in b.log(),
          "the woken hub found its lock gone and stopped (exit 75)")

    # With a synchronous standby: require_sync_standby starts, metrics say so.
    pg.add_standby()
    a = c.start_hub(["--ledger", pg.url(), "--require-sync-standby",
                     "--web", "127.0.0.1:%d" % web])
    m = wait_until(lambda: (lambda t: t if "luyu_hub_sync_standbys 1" in t else None)(
        metrics(web)), 60, "metrics to show the synchronous standby")
    check("luyu_hub_synchronous_commit_on 1" in m,
          "/metrics: one synchronous standby, synchronous_commit on")
    sock = c.path("hub", "control.sock")
    rc, out, err = c.ctl("status", "--hub", sock, "--json", check_rc=0)
    led = json.loads(out)["ledger"]
    check(led["backend"] == "postgresql" and led["sync_standbys"] == 1 and
          led["standbys"] == 1 and led["synchronous_commit"] == "on" and led["term"] >= 3,
          "luyuctl status --hub --json: %s" % led)
    rc, out, err = c.ctl("status", "--hub", sock, check_rc=0)
    check("ledger in PostgreSQL, this hub active" in out and "1 of 1 standbys synchronous" in out,
          "luyuctl status --hub says where the ledger is and how it replicates")
    a.stop()

    # A ledger from a newer luyu is refused, not touched.
    pg.primary.sql("UPDATE meta SET value = '99' WHERE key = 'schema'")
    rc, out = refused(c, ["--ledger", pg.url()], "newer schema")
    check(rc != 0 and "schema 99" in out and "knows up to 5" in out,
          "a newer PostgreSQL ledger schema is refused with both versions named")
    check(pg.primary.sql("SELECT value FROM meta WHERE key = 'schema'") == "99",
          "... and left as it was")


if __name__ == "__main__":
    run(main)
