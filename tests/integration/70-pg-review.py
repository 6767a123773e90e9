"""The review of months on a province whose ledger is in PostgreSQL, across
a takeover: two hubs share the database, the districts approve their
months at their nodes (CURVE), a reviewer of the province accepts one
month at the active hub, which is then killed with SIGKILL. The standby
takes over and holds the review state (it is in PostgreSQL): the month is
still accepted and locked, the next acceptance works there, the node hears
of both, and the bulletin issued by the new active hub shows the accepted
months (equal to a reference computed here) and verifies with the
province's key. Skipped (77) where PostgreSQL cannot be started."""
import grp
import json
import os

import pgserver
from luyutest import Cluster, Daemon, check, run, say, wait_until

GROUP = grp.getgrgid(os.getgid()).gr_name  # the test's own group
MONTH = "2019-07"
# unit -> [(indicator, amount as typed)]; agri_sales_to_sd is in yuan with
# fen (scale 100), cadres_to_sd a count.
FIGURES = {
    "cq-wanzhou": [("agri_sales_to_sd", "2500000.00"), ("cadres_to_sd", "4")],
    "cq-kaizhou": [("agri_sales_to_sd", "1000000.50"), ("cadres_to_sd", "2")],
    "cq-wushan": [("agri_sales_to_sd", "700000.25")],
}
SCALE = {"agri_sales_to_sd": 100, "cadres_to_sd": 1}


def base(amount, scale):
    whole, _, frac = amount.partition(".")
    return int(whole) * scale + (int((frac + "00")[:2]) if scale == 100 else 0)


def typed(v, scale):
    return "%d.%02d" % divmod(v, 100) if scale == 100 else str(v)


def accepted_reference(units):
    """Each indicator's month and the part of the accepted units."""
    month, acc = {}, {}
    for unit, rows in FIGURES.items():
        for ind, amount in rows:
            v = base(amount, SCALE[ind])
            month[ind] = month.get(ind, 0) + v
            if unit in units:
                acc[ind] = acc.get(ind, 0) + v
    return {ind: (typed(month[ind], SCALE[ind]), typed(acc.get(ind, 0), SCALE[ind]))
            for ind in month}


def last_step(c, unit):
    rc, out, err = c.ctl("review", "history", "%s/%s" % (unit, MONTH), *c.ledger_args(),
                         "--format", "json", check_rc=0)
    steps = json.loads(out)["steps"]
    return steps[-1]["step"] if steps else None


def node_state(c, unit):
    got = [r["state"] for r in c.status(unit)["reviews"]
           if (r["unit"], r["period"]) == (unit, MONTH)]
    return got[0] if got else None


def main():
    pg = pgserver.PgCluster()
    c = Cluster("pgreview")
    c.pg = pg  # the harness's ledger_arg and ledger_db read this database
    c.keygen(c.hub_id)
    c.ctl("keygen", "--sign", "--out", c.path("keys", c.hub_id), check_rc=0)
    for unit in FIGURES:
        c.register(unit, unit)
    hub_args = ["--review-group", GROUP, "--no-auto-issue",
                "--sign-key", c.path("keys", c.hub_id + ".sign.key")]
    a = c.start_hub(hub_args)
    sock_a = c.path("hub", "control.sock")
    # The standby: the same endpoint (it binds only once active), its own
    # state directory, the same database.
    argv = c.hub_argv(hub_args)
    argv[argv.index("--state-dir") + 1] = c.path("hub-b")
    b = Daemon("hub-b", argv, c.path("hub-b.log")).start()
    c.daemons.append(b)
    wait_until(lambda: "standby: another hub holds the ledger" in b.log(), 60,
               "the second hub to wait")
    for unit, rows in FIGURES.items():
        c.start_node(unit, unit, ["--review-group", GROUP])
        for ind, amount in rows:
            c.ctl("submit", "--unit", unit, "--indicator", ind, "--period", MONTH,
                  "--amount", amount, node=unit, check_rc=0)

    say("the districts approve; the province accepts wanzhou at the active hub")
    for unit in ("cq-wanzhou", "cq-kaizhou"):
        c.ctl("review", "approve", "%s/%s" % (unit, MONTH), node=unit, check_rc=0)
    for unit in FIGURES:
        wait_until(lambda: c.drained(unit), 60, unit + " to deliver")
    check(all(last_step(c, u) == "approve" for u in ("cq-wanzhou", "cq-kaizhou")),
          "the approvals are in the PostgreSQL ledger (luyuctl review history --ledger)")
    rc, out, err = c.ctl("review", "accept", "cq-wanzhou/" + MONTH, "--hub", sock_a)
    check(rc == 0 and "accepted" in out, "accepted at the active hub: " + (out + err).strip())
    wait_until(lambda: node_state(c, "cq-wanzhou") == "accepted", 60,
               "the acceptance to reach wanzhou's node")

    say("kill -9 of the active hub; the standby takes over with the review state")
    a.kill9()
    wait_until(lambda: "up: listening" in b.log(), 60, "the standby to take over")
    check("active: this hub holds the ledger (term 2)" in b.log(),
          "the standby is active (term 2)")
    c.hub = b  # what the harness reloads when the registry changes
    sock_b = c.path("hub-b", "control.sock")
    check(last_step(c, "cq-wanzhou") == "accept", "wanzhou's month is still accepted")
    rc, out, err = c.ctl("review", "return", "cq-wanzhou/" + MONTH, "--reason", "x",
                         "--hub", sock_b)
    check(rc == 2 and "accepted" in err,
          "the new active hub knows it is accepted: a return is refused: " + err.strip())
    # A node that connects only now hears of the acceptance from the new
    # active hub (its review notices come from PostgreSQL) and refuses an
    # entry for the locked month before storing it.
    c.register("late", "cq-wanzhou")
    c.start_node("late", "cq-wanzhou")
    wait_until(lambda: [r for r in c.status("late")["reviews"]
                        if (r["unit"], r["state"]) == ("cq-wanzhou", "accepted")], 60,
               "the new hub's notice to reach a node that connected after the takeover")
    rc, out, err = c.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "cadres_to_sd",
                         "--period", MONTH, "--amount", "1", node="late")
    check(rc == 2 and "locked" in err,
          "the node refuses an entry for the locked month: " + err.strip())
    c.nodes["late"].stop()

    say("the next acceptance works at the new active hub")
    rc, out, err = c.ctl("review", "accept", "cq-kaizhou/" + MONTH, "--hub", sock_b)
    check(rc == 0 and "accepted" in out, "kaizhou accepted at hub b: " + (out + err).strip())
    wait_until(lambda: node_state(c, "cq-kaizhou") == "accepted", 60,
               "the acceptance to reach kaizhou's node")
    check(last_step(c, "cq-kaizhou") == "accept" and last_step(c, "cq-wushan") is None,
          "the ledger: kaizhou accepted, wushan never approved")
    rc, out, err = c.ctl("review", "queue", *c.ledger_args(), "--period", MONTH,
                         "--format", "json", check_rc=0)
    states = {m["unit"]: m["state"] for m in json.loads(out)["months"]}
    check(states == {"cq-wanzhou": "accepted", "cq-kaizhou": "accepted",
                     "cq-wushan": "open"},
          "luyuctl review queue --ledger: %s" % states)

    say("the bulletin of the new active hub shows the accepted months and verifies")
    rc, out, err = c.ctl("bulletin", "issue", MONTH, "--hub", sock_b, check_rc=0)
    check("revision 1" in out, "hub b issued revision 1: " + out.strip())
    rc, out, err = c.ctl("bulletin", "show", MONTH, *c.ledger_args(), "--format", "json",
                         check_rc=0)
    bul = json.loads(out)["bulletin"]
    got = {f["code"]: (f["month"], f["month_accepted"]) for f in bul["indicators"]
           if f["code"] in SCALE}
    want = accepted_reference({"cq-wanzhou", "cq-kaizhou"})
    check(got == want, "month and accepted part equal the reference: %s, %s" % (got, want))
    check(bul["completeness"]["accepted"] == 2,
          "the bulletin counts two accepted units: %s" % bul["completeness"])
    out_file = c.path("cq-2019-07.bin")
    c.ctl("bulletin", "export", MONTH, "--revision", "1", *c.ledger_args(), "--out", out_file,
          check_rc=0)
    rc, out, err = c.ctl("bulletin", "verify", out_file, "--key",
                         c.path("keys", c.hub_id + ".sign.pub"), *c.ledger_args())
    check(rc == 0 and "matches" in out, "the bulletin verifies: " + (out + err).strip())

    say("a review step after the bulletin makes the next revision")
    rc, out, err = c.ctl("review", "unlock", "cq-kaizhou/" + MONTH, "--reason", "复核",
                         "--hub", sock_b, check_rc=0)
    rc, out, err = c.ctl("bulletin", "issue", MONTH, "--hub", sock_b, check_rc=0)
    check("revision 2" in out, "the unlock makes revision 2: " + out.strip())
    b.stop()


if __name__ == "__main__":
    run(main)
