"""The project pool of a hub whose ledger is in PostgreSQL: a district
imports its projects and edits one, the hub merges the events in the
intake's transaction into the shared database, a foreign node's change is
refused with a reason, and the month's bulletin carries the pool section
with the totals a Python reference (poolref.py) computes from the same
rows. Skipped (77) where PostgreSQL cannot be started."""
import json
import random

import pgserver
import poolref
from luyutest import Cluster, check, run, say, wait_until

UNIT = "cq-wanzhou"


def main():
    pg = pgserver.PgCluster()
    rnd = random.Random(69)
    c = Cluster("pg-pool")
    c.register(UNIT, UNIT)
    c.register("wz-two", UNIT)
    c.ctl("keygen", "--sign", "--out", c.path("keys", c.hub_id), check_rc=0)
    hub = c.start_hub(["--ledger", pg.url(), "--sign-key",
                       c.path("keys", c.hub_id + ".sign.key"), "--no-auto-issue"])
    c.start_node(UNIT, UNIT)

    say("a district imports its pool into the PostgreSQL ledger")
    rows = poolref.make_pool([UNIT], 12, rnd)
    path = c.path("pool.csv")
    poolref.write_pool_csv(path, rows)
    rc, out, err = c.ctl("project", "import", path, node=UNIT)
    check(rc == 0 and "imported 12 projects" in out, "imported 12 projects: " + out + err)
    pid = rows[0]["id"]
    rc, out, err = c.ctl("project", "edit", pid, "--name", "万州区改名项目", node=UNIT)
    check(rc == 0, "edited %s: %s" % (pid, (out + err).strip()))
    wait_until(lambda: c.drained(UNIT), 60, "the node to deliver")
    check(pg.primary.sql("SELECT count(*) FROM project") == "12" and
          pg.primary.sql("SELECT count(*) FROM project_event") == "13",
          "PostgreSQL holds 12 projects and 13 events")
    check(pg.primary.sql("SELECT count(*) FROM reject") == "0",
          "nothing was rejected")

    say("another node may not change the district's project")
    c.start_node("wz-two", UNIT)
    rc, out, err = c.ctl("project", "import", path, node="wz-two")
    wait_until(lambda: c.drained("wz-two"), 60, "the second node to deliver")
    why = pg.primary.sql("SELECT reason FROM reject WHERE node = 'wz-two' ORDER BY seq"
                         " LIMIT 1") or ""
    check("belongs to node %s" % UNIT in why,
          "the hub refused wz-two's change with a reason: %s" % why)
    check(pg.primary.sql("SELECT count(DISTINCT node) FROM project") == "1",
          "every project still belongs to %s" % UNIT)

    say("the bulletin's pool section matches the reference")
    rc, out, err = c.ctl("bulletin", "issue", "2019-12", "--hub",
                         c.path("hub", "control.sock"), check_rc=0)
    check("revision 1" in out, "issued 2019-12 on PostgreSQL: " + out.strip())
    rc, out, err = c.ctl("bulletin", "show", "2019-12", "--ledger", pg.url(),
                         "--format", "json", check_rc=0)
    pool = json.loads(out)["bulletin"]["pool"]
    total, by_unit = poolref.sums({r["id"]: r for r in rows})
    check(pool["projects"] == total["projects"] and
          poolref.fen(pool["planned"]) == total["planned"] and
          poolref.fen(pool["aid_planned"]) == total["aid_planned"],
          "pool: %d projects, planned %s (reference %d, %d fen)"
          % (pool["projects"], pool["planned"], total["projects"], total["planned"]))
    last = int(pg.primary.sql("SELECT max(id) FROM project_event"))
    check(pool["upto_event"] == last, "the pool section covers every event (%s of %d)"
          % (pool["upto_event"], last))
    check(hub.alive(), "the hub is still running")


if __name__ == "__main__":
    run(main)
