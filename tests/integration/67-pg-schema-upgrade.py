"""A PostgreSQL ledger of the previous release upgrades itself: the schema-1
database in tests/data/pg-schema-v1 (written by the release before the
bulletin store moved to PostgreSQL) is loaded into a fresh server, today's
hub migrates it to schema 5 at start (the bulletin store's and the
digests' tables, then the project pool's, then the review of months and
the reminders, then the month index entry_period for entry_month), keeps
every entry and balance, and goes on merging. The previous release's ledger
(schema 4, tests/data/pg-schema-v4) goes 4 -> 5 the same way, and a draft
bulletin of its months reads them through the new index. The
statement layer's unit test (tests/unit/test_sql.c) runs here against the
same server. Skipped (77) where PostgreSQL cannot be started."""
import json
import os
import subprocess

import pgserver
from luyutest import BIN, SRC, Cluster, check, import_rows, run, say, wait_until


def main():
    pg = pgserver.PgCluster()
    dump = os.path.join(SRC, "tests", "data", "pg-schema-v1", "ledger.sql")
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.url(),
                        "-f", dump], capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    check(p.returncode == 0, "the schema-1 fixture loads (%s)" % p.stderr.decode()[-300:])
    check(pg.primary.sql("SELECT value FROM meta WHERE key = 'schema'") == "1",
          "the fixture is at schema 1")
    before = pg.primary.sql("SELECT count(*), sum(amount) FROM entry")
    balances = pg.primary.sql("SELECT unit, indicator, period, amount FROM balance"
                              " ORDER BY 1, 2, 3")

    c = Cluster("pg-upgrade", secure=False)
    hub = c.start_hub(["--ledger", pg.url()])
    check("PostgreSQL schema 1 -> 5" in hub.log(), "the hub says it migrated 1 -> 5")
    check(pg.primary.sql("SELECT value FROM meta WHERE key = 'schema'") == "5",
          "the ledger is at schema 5")
    idx = pg.primary.sql("SELECT string_agg(indexname, ',' ORDER BY indexname)"
                         " FROM pg_indexes WHERE tablename = 'entry'").split(",")
    check("entry_period" in idx and "entry_month" not in idx,
          "schema 5: entry_period replaced entry_month (%s)" % idx)
    tables = pg.primary.sql("SELECT string_agg(tablename, ',' ORDER BY tablename)"
                            " FROM pg_tables WHERE schemaname = 'public'")
    check(all(t in tables.split(",") for t in ("bulletin", "bulletin_signer", "digest_block",
                                                "project", "project_event",
                                                "review_event", "reminder")),
          "schemas 2 to 4: the bulletin store, the digests, the pool, the review: %s"
          % tables)
    check(pg.primary.sql("SELECT count(*) FROM entry WHERE confirmed = ''") ==
          before.split("\t")[0],
          "schema 4: the older entries carry no confirmed warnings")
    check(pg.primary.sql("SELECT count(*), sum(amount) FROM entry") == before and
          pg.primary.sql("SELECT unit, indicator, period, amount FROM balance"
                         " ORDER BY 1, 2, 3") == balances,
          "every entry and balance of schema 1 is kept (%s)" % before.replace("\t", " "))

    # The upgraded ledger goes on merging (another district: the fixture's
    # node kept its own outbox, which this test does not have).
    c.start_node("cq-wushan", "cq-wushan")
    rc, ids = import_rows(c, "cq-wushan", [("cq-wushan", "poor_trained", "2019-05", "3", "new")])
    wait_until(lambda: c.drained("cq-wushan"), 60, "the node to deliver")
    n = int(before.split("\t")[0])
    check(rc == 0 and ids == ["cq-wushan/1"] and
          pg.primary.sql("SELECT count(*) FROM entry") == str(n + 1),
          "after the upgrade the hub merges new entries (%s)" % ids)
    hub.stop()

    from_v4(pg)

    # The statement layer, against this server.
    env = dict(os.environ, LUYU_TEST_PG=pg.url())
    p = subprocess.run([os.path.join(BIN, "tests", "test_sql")], env=env,
                       capture_output=True, text=True, timeout=120)
    say(p.stdout.strip())
    check(p.returncode == 0 and "postgresql: checked" in p.stdout,
          "unit/test_sql passes on PostgreSQL:\n" + p.stderr[-2000:])


def from_v4(pg):
    """The previous release's ledger, in a database of its own."""
    pg.primary.sql("CREATE DATABASE luyu4")
    url = pg.primary.url("luyu4")
    dump = os.path.join(SRC, "tests", "data", "pg-schema-v4", "ledger.sql")
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", dump],
                       capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    check(p.returncode == 0, "the schema-4 fixture loads (%s)" % p.stderr.decode()[-300:])
    check(pg.primary.sql("SELECT value FROM meta WHERE key = 'schema'", db="luyu4") == "4",
          "the fixture is at schema 4")
    before = pg.primary.sql("SELECT count(*), sum(amount) FROM entry", db="luyu4")
    balances = pg.primary.sql("SELECT unit, indicator, period, amount FROM balance"
                              " ORDER BY 1, 2, 3", db="luyu4")

    c = Cluster("pg-upgrade-v4", secure=False)
    hub = c.start_hub(["--ledger", url, "--no-auto-issue"])
    check("PostgreSQL schema 4 -> 5" in hub.log(), "the hub says it migrated 4 -> 5")
    idx = pg.primary.sql("SELECT string_agg(indexname, ',' ORDER BY indexname)"
                         " FROM pg_indexes WHERE tablename = 'entry'", db="luyu4").split(",")
    check(pg.primary.sql("SELECT value FROM meta WHERE key = 'schema'", db="luyu4") == "5" and
          "entry_period" in idx and "entry_month" not in idx,
          "schema 5: entry_period replaced entry_month (%s)" % idx)
    check(pg.primary.sql("SELECT count(*), sum(amount) FROM entry", db="luyu4") == before and
          pg.primary.sql("SELECT unit, indicator, period, amount FROM balance"
                         " ORDER BY 1, 2, 3", db="luyu4") == balances,
          "every entry and balance of schema 4 is kept (%s)" % before.replace("\t", " "))
    rc, out, err = c.ctl("bulletin", "show", "2019-06", "--draft", "--ledger", url,
                         "--format", "json")
    units = ({u["code"]: u for u in json.loads(out)["bulletin"]["units"]}
             if rc == 0 else {})
    check(units.get("cq-wanzhou", {}).get("entries") == 5,
          "June's draft counts cq-wanzhou's five entries of the month: %s %s"
          % (units.get("cq-wanzhou"), err[-300:]))
    hub.stop()


if __name__ == "__main__":
    run(main)
