"""A PostgreSQL ledger of the previous release upgrades itself: the schema-1
database in tests/data/pg-schema-v1 (written by the release before the
bulletin store moved to PostgreSQL) is loaded into a fresh server, today's
hub migrates it to schema 4 at start (the bulletin store's and the
digests' tables, then the project pool's, then the review of months and
the reminders), keeps every entry and balance, and goes on merging. The
statement layer's unit test (tests/unit/test_sql.c) runs here against the
same server. Skipped (77) where PostgreSQL cannot be started."""
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
    check("PostgreSQL schema 1 -> 4" in hub.log(), "the hub says it migrated 1 -> 4")
    check(pg.primary.sql("SELECT value FROM meta WHERE key = 'schema'") == "4",
          "the ledger is at schema 4")
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

    # The statement layer, against this server.
    env = dict(os.environ, LUYU_TEST_PG=pg.url())
    p = subprocess.run([os.path.join(BIN, "tests", "test_sql")], env=env,
                       capture_output=True, text=True, timeout=120)
    say(p.stdout.strip())
    check(p.returncode == 0 and "postgresql: checked" in p.stdout,
          "unit/test_sql passes on PostgreSQL:\n" + p.stderr[-2000:])


if __name__ == "__main__":
    run(main)
