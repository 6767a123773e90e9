"""luyuctl's ledger reads on a PostgreSQL ledger (--ledger postgresql://...):
the same entries, corrections and projects go to a hub on SQLite and to a
hub on PostgreSQL; `ledger`, `history`, `assess` and `project list|pool|
history` print the same on both (times of recording aside), their figures
equal a Python reference of the imported rows, and the PostgreSQL session
writes nothing. Skipped (77) where PostgreSQL cannot be started."""
import json
import random
import re

import assessref
import pgserver
import poolref
from luyutest import PLAN, Cluster, check, import_rows, run, say, wait_until

NODE = "cq-n1"
UNITS = ["cq-wanzhou", "cq-wushan", "cq-kaizhou"]


def feed(c, rows, pool_csv, fixes):
    """The same input, in the same order, so that ids and seqs match."""
    c.start_hub()
    c.start_node(NODE, ",".join(UNITS))
    rc, ids = import_rows(c, NODE, rows, name="rows.csv")
    check(rc == 0, "%s: imported %d rows" % (c.dir, len(ids)))
    for eid, amount in fixes:
        c.ctl("correct", eid, "--amount", amount, "--note", "更正", "--confirm",
              node=NODE, check_rc=0)
    rc, out, err = c.ctl("project", "import", pool_csv, node=NODE)
    check(rc == 0, "projects imported: " + (out + err).strip())
    wait_until(lambda: c.drained(NODE), 120, "the node to deliver")
    return ids


def no_times(text):
    """A JSON answer without the times of recording and receipt, which
    differ between the two runs."""
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if not k.endswith("_at")}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(json.loads(text))


def reads(c, where, ids, pid):
    """What luyuctl prints for every read, keyed by the command."""
    fig = "cq-wanzhou/agri_sales_to_sd/2019-07"
    cmds = {
        "ledger json": ["ledger", "--format", "json"],
        "ledger csv unit": ["ledger", "--format", "csv", "--unit", "cq-wushan"],
        "ledger table period": ["ledger", "--period", "2019-07"],
        "ledger indicator": ["ledger", "--indicator", "poor_trained", "--format", "csv"],
        "history figure": ["history", fig, "--format", "json"],
        "history chain": ["history", ids[2], "--format", "json"],
        "history table": ["history", "cq-wushan/cadres_to_sd/2019-03"],
        "assess json": ["assess", "--year", "2019", "--month", "2019-12", "--format", "json"],
        "assess detail": ["assess", "--year", "2019", "--month", "2019-12", "--detail"],
        "assess to date": ["assess", "--format", "csv"],
        "project list": ["project", "list", "--format", "json"],
        "project stuck": ["project", "list", "--stuck", "--format", "csv"],
        "project pool": ["project", "pool", "--month", "2019-06", "--format", "json"],
        "project pool text": ["project", "pool", "--unit", "cq-wushan"],
        "project history": ["project", "history", pid, "--format", "json"],
        "unknown unit": ["ledger", "--unit", "cq-nowhere"],
        "unknown entry": ["history", "cq-n1/9999"],
    }
    out = {}
    for k, argv in cmds.items():
        argv = argv[:2] + where + argv[2:] if argv[0] == "project" else \
            argv[:1] + where + argv[1:]
        rc, o, e = c.ctl(*argv, lang="zh_CN.UTF-8" if "table" in k else None)
        if "json" in argv:
            o = no_times(o)
        else:  # a table's times of recording and receipt
            o = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", "T", o)
        out[k] = (rc, o, e.strip())
    return out


def reference(rows, fixes, ids):
    """Balances in stored units from the rows as typed, corrections
    replacing the figure they correct."""
    scale = {"agri_sales_to_sd": "yuan", "sd_investment": "yuan"}
    amounts = {eid: r for eid, r in zip(ids, rows)}
    fixed = dict(fixes)
    bal = {}
    for eid, r in amounts.items():
        amt = fixed.get(eid, r[3])
        k = (r[0], r[1], int(r[2].replace("-", "")))
        bal[k] = bal.get(k, 0) + assessref.stored(amt, scale.get(r[1], "persons"))
    rows_now = [(r[0], r[1], r[2], fixed.get(eid, r[3])) for eid, r in amounts.items()]
    return bal, rows_now


def main():
    rnd = random.Random(71)
    rows = []
    for u in UNITS:
        rows += [r for r in __import__("luyutest").sample_rows(u, 40, rnd)
                 if r[1] != "sd_investment"]
    rows.append(("cq-wanzhou", "agri_sales_to_sd", "2019-07", "2500000.00", "七月"))
    rows.append(("cq-wanzhou", "agri_sales_to_sd", "2019-07", "1000.50", ""))
    rows.append(("cq-wushan", "cadres_to_sd", "2019-03", "3", ""))
    pool = poolref.make_pool(UNITS, 4, rnd)

    lite = Cluster("cli-lite")
    lite.pg = None  # this one keeps SQLite whatever the environment says
    pgc = Cluster("cli-pg")
    if pgc.pg is None:
        pgc.pg = pgserver.PgCluster()
    for c in (lite, pgc):
        poolref.write_pool_csv(c.path("pool.csv"), pool)

    n = len(rows)
    # Seqs as the node numbers them: the import is 1..n, corrections next.
    fixes = [("%s/%d" % (NODE, n - 2), "2600000.00"), ("%s/%d" % (NODE, 3), "7")]

    say("the same input into a hub on SQLite and a hub on PostgreSQL")
    ids = feed(lite, rows, lite.path("pool.csv"), fixes)
    ids_pg = feed(pgc, rows, pgc.path("pool.csv"), fixes)
    check(ids == ids_pg, "both nodes numbered the entries alike")
    before = pgc.pg.primary.sql("SELECT count(*) || '/' || max(id) FROM entry")

    say("luyuctl reads both and prints the same")
    a = reads(lite, ["--state-dir", lite.path("hub")], ids, pool[0]["id"])
    b = reads(pgc, ["--ledger", pgc.pg.url()], ids, pool[0]["id"])
    for k in a:
        check(a[k] == b[k], "%s: the same on both (exit %d)%s" % (
            k, b[k][0], "" if a[k] == b[k] else "\nSQLite: %r\nPostgreSQL: %r" % (a[k], b[k])))
    check(a["unknown unit"][0] == 2 and "cq-nowhere" in a["unknown unit"][2],
          "an unknown unit is refused, by name: " + b["unknown unit"][2])
    check(b["unknown entry"][0] == 2 and "no entry cq-n1/9999" in b["unknown entry"][2],
          "an unknown entry id is refused: " + b["unknown entry"][2])

    say("the figures equal the Python reference")
    bal, rows_now = reference(rows, fixes, ids)
    got = {(x["unit"], x["indicator"], int(x["period"].replace("-", ""))): x["amount_base"]
           for x in b["ledger json"][1]}
    check(got == bal, "every balance on PostgreSQL equals the reference (%d figures)" % len(bal))
    h = b["history figure"][1]
    n_fig = sum(1 for r in rows if r[:3] == ("cq-wanzhou", "agri_sales_to_sd", "2019-07"))
    check(len(h["entries"]) == n_fig + 1,
          "the figure's history has its %d entries and the correction: %d"
          % (n_fig, len(h["entries"])))
    want = assessref.scores(PLAN, rows_now, "CQ", 2019, "2019-12")
    js = {x["unit"]: x["points"] for x in b["assess json"][1]["units"]}
    check(js == {u: assessref.points(v) for u, v in want.items()},
          "luyuctl assess on PostgreSQL equals the reference: %s"
          % {u: v for u, v in js.items() if v != "0.00"})
    total, by_unit = poolref.sums({p["id"]: p for p in pool})
    p = b["project pool"][1]
    check(all(p["total"][k] == total[k] for k in ("projects", "planned", "aid_planned")),
          "the pool's total: %d projects, %d fen planned (reference %d, %d)"
          % (p["total"]["projects"], p["total"]["planned"], total["projects"],
             total["planned"]))
    check({u["key"]: (u["projects"], u["planned"]) for u in p["by_unit"]} ==
          {k: (v["projects"], v["planned"]) for k, v in by_unit.items()},
          "and each district's projects and planned investment")

    say("the PostgreSQL session wrote nothing")
    check(pgc.pg.primary.sql("SELECT count(*) || '/' || max(id) FROM entry") == before,
          "the entries are as before the reads: " + before)
    rc, out, err = pgc.ctl("ledger", "--ledger", "postgresql://luyu:sekret@127.0.0.1:1/luyu")
    check(rc == 1 and "PostgreSQL" in err and "sekret" not in err,
          "an unreachable ledger is named PostgreSQL, never by its string: " + err.strip())


if __name__ == "__main__":
    run(main)
