"""Bulletins of a province whose ledger is in PostgreSQL: the active hub
issues and signs them into the shared database, exchanges them with a peer
province whose hub keeps SQLite, and when it is killed the standby hub that
takes over holds every bulletin and issues the next revision, which the
peer receives too. Both revisions verify with the province's public key.
Skipped (77) where PostgreSQL cannot be started."""
import json
import os

import pgserver
from luyutest import (Cluster, Daemon, check, run, say, peer_args, two_provinces, wait_until,
                      write_csv)


def setup():
    return two_provinces("pgbul")




def held(c, prov, period):
    rc, out, err = c.ctl("bulletin", "list", "--state-dir", c.path("hub"), "--json",
                         check_rc=0)
    return sorted(b["revision"] for b in json.loads(out)
                  if b["province"] == prov and b["period"] == period)


def pg_held(pg, prov):
    return pg.primary.sql("SELECT string_agg(period || '/' || revision || '/' || origin,"
                          " ',' ORDER BY period, revision) FROM bulletin"
                          " WHERE province = '%s'" % prov)


def verify(c, peer, prov, period, rev):
    """Exports a bulletin from c's store and verifies it offline with the
    signing key of the province that issued it."""
    out = c.path("%s-%s-%d.bin" % (prov, period, rev))
    c.ctl("bulletin", "export", period, "--province", prov, "--revision", str(rev),
          "--state-dir", c.path("hub"), "--out", out, check_rc=0)
    rc, o, e = c.ctl("bulletin", "verify", out, "--key",
                     peer.path("keys", peer.hub_id + ".sign.pub"))
    return rc == 0, (o + e).strip()


def main():
    pg = pgserver.PgCluster()
    cq, sd = setup()
    ledger = ["--ledger", pg.url()]
    # Keys registered before the hubs start: the standby reads the same
    # registry when it starts, as a real one would from its config.
    cq.register("cq-wanzhou", "cq-wanzhou,cq-wushan")
    a = cq.start_hub(peer_args(cq, sd) + ledger)
    check("sign_key and peer are ignored" not in a.log(),
          "a hub on PostgreSQL keeps its sign_key and peer")
    # The standby: the same listen endpoint (it binds only once active, on
    # this one machine after the active one is gone), its own state dir.
    argv = cq.hub_argv(peer_args(cq, sd) + ledger)
    argv[argv.index("--state-dir") + 1] = cq.path("hub-b")
    b = Daemon("hub-b", argv, cq.path("hub-b.log")).start()
    cq.daemons.append(b)
    wait_until(lambda: "standby: another hub holds the ledger" in b.log(), 60,
               "the second hub to wait")
    sd.start_hub(peer_args(sd, cq))
    cq.start_node("cq-wanzhou", "cq-wanzhou,cq-wushan")
    sd.start_node("sd-jinan", "sd-jinan")
    write_csv(cq.path("july.csv"),
              [("cq-wanzhou", "agri_sales_to_sd", "2019-07", "2500000.00", "七月"),
               ("cq-wushan", "agri_sales_to_sd", "2019-07", "1000000.50", ""),
               ("cq-wanzhou", "cadres_to_sd", "2019-07", "4", "")])
    cq.ctl("import", cq.path("july.csv"), "--confirm", node="cq-wanzhou", check_rc=0)
    sd.ctl("submit", "--unit", "sd-jinan", "--indicator", "sd_investment", "--period",
           "2019-07", "--amount", "8800000", node="sd-jinan", check_rc=0)
    for c, n in ((cq, "cq-wanzhou"), (sd, "sd-jinan")):
        wait_until(lambda: c.drained(n), 60, n + " to drain")

    say("the active hub on PostgreSQL issues; the bulletins cross both ways")
    rc, out, err = cq.ctl("bulletin", "issue", "2019-07", "--hub",
                          cq.path("hub", "control.sock"), check_rc=0)
    check("revision 1" in out, "CQ (PostgreSQL) issued 2019-07 revision 1: " + out.strip())
    sd.ctl("bulletin", "issue", "2019-07", "--hub", sd.path("hub", "control.sock"),
           check_rc=0)
    wait_until(lambda: held(sd, "CQ", "2019-07") == [1], 60, "SD to hold CQ's bulletin")
    wait_until(lambda: pg_held(pg, "SD") == "201907/1/peer", 60,
               "CQ to store SD's bulletin in PostgreSQL")
    wait_until(lambda: pg.primary.sql("SELECT count(*) FROM bulletin WHERE province = 'CQ'"
                                      " AND acked_at IS NOT NULL") == "1", 60,
               "SD to acknowledge CQ's bulletin")
    check(pg_held(pg, "CQ") == "201907/1/own",
          "CQ's own bulletin is in PostgreSQL, acknowledged by SD")

    say("the active hub dies; the standby takes over and continues the revisions")
    a.kill9()
    wait_until(lambda: "up: listening" in b.log(), 60, "the standby to take over")
    check("active: this hub holds the ledger (term 2)" in b.log(),
          "the standby is active (term 2)")
    cq.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "agri_sales_to_sd", "--period",
           "2019-07", "--amount", "300000", "--note", "迟报", node="cq-wanzhou", check_rc=0)
    wait_until(lambda: cq.drained("cq-wanzhou"), 60, "the node to deliver to the new hub")
    sock_b = cq.path("hub-b", "control.sock")
    rc, out, err = cq.ctl("bulletin", "issue", "2019-07", "--hub", sock_b, check_rc=0)
    check("revision 2" in out, "the new active hub issued revision 2: " + out.strip())
    rc, out, err = cq.ctl("bulletin", "issue", "2019-07", "--hub", sock_b)
    check(rc == 2, "no revision 3 without new entries: " + err.strip())
    wait_until(lambda: held(sd, "CQ", "2019-07") == [1, 2], 60, "revision 2 to reach SD")
    check(pg_held(pg, "CQ") == "201907/1/own,201907/2/own" and
          pg_held(pg, "SD") == "201907/1/peer",
          "PostgreSQL holds both CQ revisions and SD's bulletin")

    say("every bulletin verifies")
    for rev in (1, 2):
        ok, what = verify(sd, cq, "CQ", "2019-07", rev)
        check(ok, "CQ 2019-07 revision %d, as SD holds it, verifies: %s" % (rev, what))
    rc, out, err = cq.ctl("bulletin", "show", "2019-07", "--state-dir", sd.path("hub"),
                          "--province", "CQ", "--revision", "2", "--format", "json",
                          check_rc=0)
    check("迟报" in out or "cq-wanzhou/4" in out, "revision 2 lists the late entry")

    say("luyuctl reads the bulletins from PostgreSQL (--ledger)")
    rc, out, err = cq.ctl("bulletin", "list", "--ledger", pg.url(), "--json", check_rc=0)
    got = sorted((x["province"], x["period"], x["revision"]) for x in json.loads(out))
    check(got == [("CQ", "2019-07", 1), ("CQ", "2019-07", 2), ("SD", "2019-07", 1)],
          "bulletin list --ledger: %s" % got)
    rc, out, err = cq.ctl("bulletin", "show", "2019-07", "--ledger", pg.url(),
                          "--format", "json", check_rc=0)
    check("signature valid" in out and '"revision":2' in out and
          ("迟报" in out or "cq-wanzhou/4" in out),
          "bulletin show --ledger: the latest CQ revision, verified, with the late entry")
    exported = cq.path("cq-from-pg.bin")
    cq.ctl("bulletin", "export", "2019-07", "--revision", "1", "--ledger", pg.url(),
           "--out", exported, check_rc=0)
    rc, out, err = cq.ctl("bulletin", "verify", exported, "--key",
                          cq.path("keys", cq.hub_id + ".sign.pub"), "--ledger", pg.url())
    check(rc == 0 and "matches" in out and "luyu@" not in out,
          "revision 1 verifies, and its digest matches the PostgreSQL ledger: " + out.strip())
    rc, out, err = cq.ctl("bulletin", "verify", exported, "--key",
                          cq.path("keys", cq.hub_id + ".sign.pub"), "--state-dir",
                          sd.path("hub"))
    check(rc == 1 and "not matching" in err, "but not SD's ledger: " + err.strip())
    check(pg.primary.sql("SELECT count(*) FROM bulletin") == "3",
          "luyuctl wrote nothing")
    b.stop()


if __name__ == "__main__":
    run(main)
