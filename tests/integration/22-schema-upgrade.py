"""Files of older releases upgrade themselves: copies of the fixtures in
tests/data/schema-v*/ (a hub's ledger.db with its bulletin store, and a
node's outbox.db, written by the release of that schema) are migrated by
today's daemons at start, with a backup copy and a log line, and then read
exactly as that release read them: balances, histories, bulletins and their
digests, and the outbox's pending, delivered and rejected entries, which
the node then delivers. Since schema 4 an original no entry corrects has
no chain row: the migration drops those, and corrections of old and new
originals, corrected before or not, move the right figures. Since schema 5
the month index is entry_period (month, id), not entry_month. luyuctl reads an old file without changing it and
refuses a newer one; so do the daemons."""
import json
import os
import shutil
import sqlite3

from luyutest import SRC, Cluster, Failure, check, run, say, wait_until

CURRENT = 5  # LEDGER_SCHEMA
OUTBOX_CURRENT = 4  # the outbox's last migration (node/outbox.c)
UNITS = "cq-wanzhou,cq-wushan,sd-jinan"


def user_version(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def count_rows(path, table):
    """Rows of table, or None when the file has no such table."""
    with sqlite3.connect("file:%s?mode=ro" % path, uri=True) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'"
                          " AND name = ?", (table,)).fetchone():
            return None
        return db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]


def indexes(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        db.close()


def chains(path):
    """The chain table: {root: (amount, latest)}."""
    with sqlite3.connect("file:%s?mode=ro" % path, uri=True) as db:
        return {r[0]: (r[1], r[2]) for r in db.execute("SELECT root, amount, latest FROM chain")}


def corrected_chains(path):
    """What chain must hold, from the entries alone: for each root that a
    correction names, the newest correction's amount and id."""
    with sqlite3.connect("file:%s?mode=ro" % path, uri=True) as db:
        return {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT root, amount, id FROM entry e WHERE root IS NOT NULL AND id ="
            " (SELECT max(id) FROM entry WHERE root = e.root)")}


def corrections(c):
    """Corrects, through the node, an old original whose chain row the
    migration dropped (cq-wanzhou/3: 4 persons) and a new original merged
    without one (cq-wanzhou/8: 7 persons): each correction must find its
    chain's figure in the entry itself, and the balance move by the
    difference."""
    for target, amount in (("cq-wanzhou/3", "5"), ("cq-wanzhou/8", "9")):
        c.ctl("correct", target, "--amount", amount, "--confirm", node="cq-wanzhou", check_rc=0)
    wait_until(lambda: c.drained("cq-wanzhou"), 60, "the corrections to arrive")
    with sqlite3.connect("file:%s?mode=ro" % c.path("hub", "ledger.db"), uri=True) as db:
        got = dict(db.execute("SELECT period, amount FROM balance WHERE unit = 'cq-wanzhou'"
                              " AND indicator = 'cadres_to_sd' ORDER BY period"))
    check(got == {201907: 5, 201908: 17},
          "balances of the corrected months: 4 -> 5 and 7 + 8 -> 9 + 8: %s" % got)
    with sqlite3.connect("file:%s?mode=ro" % c.path("hub", "ledger.db"), uri=True) as db:
        prev = [r[0] for r in db.execute("SELECT prev_amount FROM entry WHERE corrects IS NOT"
                                          " NULL ORDER BY id")]
    check(prev[-2:] == [4, 7], "each correction recorded its chain's previous figure: %s" % prev)
    check(chains(c.path("hub", "ledger.db")) == corrected_chains(c.path("hub", "ledger.db")),
          "a chain row for each corrected chain, none for the others")


def readings(c, exp):
    """What luyuctl reads from the hub's state dir, in expected.json's shape."""
    hub = c.path("hub")
    got = {}
    rc, out, err = c.ctl("ledger", "--state-dir", hub, "--format", "json", check_rc=0)
    got["ledger"] = json.loads(out)
    got["history"] = {}
    for q in exp["history"]:
        rc, out, err = c.ctl("history", "--state-dir", hub, q, "--format", "json", check_rc=0)
        got["history"][q] = json.loads(out)
    rc, out, err = c.ctl("bulletin", "list", "--state-dir", hub, "--json", check_rc=0)
    got["bulletins"] = json.loads(out)
    got["shown"] = {}
    for key in exp["shown"]:
        prov, period, rev = key.split("/")
        rc, out, err = c.ctl("bulletin", "show", period, "--state-dir", hub, "--province", prov,
                             "--revision", rev, "--format", "json", check_rc=0)
        got["shown"][key] = json.loads(out)
    return got


def data(shown):
    """What a bulletin says, without the human verdict line ("trust"),
    whose words change between releases and languages."""
    return {k: {"signer": v["signer"], "bulletin": v["bulletin"]} for k, v in shown.items()}


def as_recorded(got, exp):
    """got in exp's shape: members a later release adds to its JSON (such
    as a reject's reason_code) are not differences in what it reads from
    the old file; a member missing, or any value changed, still is."""
    if isinstance(got, dict) and isinstance(exp, dict):
        return {k: as_recorded(got[k], v) if k in got else "(missing)"
                for k, v in exp.items()}
    if isinstance(got, list) and isinstance(exp, list) and len(got) == len(exp):
        return [as_recorded(g, e) for g, e in zip(got, exp)]
    return got


def same(got, exp, what):
    got = as_recorded(got, exp)
    got = dict(got, shown=data(got["shown"]))
    exp = dict(exp, shown=data(exp["shown"]))
    for k in ("ledger", "history", "bulletins", "shown"):
        if got[k] != exp[k]:
            raise Failure("%s: %s differs:\n got %s\nwant %s" % (what, k, json.dumps(got[k])[:800],
                                                               json.dumps(exp[k])[:800]))
    check(True, "%s: balances, %d histories, %d bulletins and their digests as recorded"
          % (what, len(exp["history"]), len(exp["shown"])))


def upgrade(version):
    fixture = os.path.join(SRC, "tests", "data", "schema-v%d" % version)
    with open(os.path.join(fixture, "expected.json"), encoding="utf-8") as f:
        exp = json.load(f)
    c = Cluster("upgrade-v%d" % version, secure=False)
    os.makedirs(c.path("hub"))
    os.makedirs(c.path("cq-wanzhou"))
    ledger = c.path("hub", "ledger.db")
    outbox = c.path("cq-wanzhou", "outbox.db")
    shutil.copy(os.path.join(fixture, "ledger.db"), ledger)
    shutil.copy(os.path.join(fixture, "outbox.db"), outbox)
    # The outbox's numbers run ahead of the ledger's: schema-v2 holds outbox 3.
    old_outbox = user_version(outbox)

    say("schema %d: luyuctl reads the old ledger as it is, and leaves it so" % version)
    with open(ledger, "rb") as f:
        before = f.read()
    same(readings(c, exp), exp, "before the upgrade")
    if version < 2:  # the project pool came with ledger schema 2
        rc, out, err = c.ctl("project", "list", "--state-dir", c.path("hub"))
        check(rc == 1 and "start this release's luyu-hub once" in err,
              "luyuctl project on the old ledger says how to upgrade it")
        rc, out, err = c.ctl("bulletin", "show", "2019-07", "--draft", "--state-dir",
                             c.path("hub"), "--format", "json")
        check(rc == 0 and '"pool"' not in out,
              "a draft bulletin of the old ledger has no pool section")
    if version < 3:  # the review's tables came with ledger schema 3
        rc, out, err = c.ctl("review", "queue", "--state-dir", c.path("hub"))
        check(rc == 1 and "start this release's luyu-hub once" in err,
              "luyuctl review queue on the old ledger says how to upgrade it")
    with open(ledger, "rb") as f:
        check(f.read() == before, "luyuctl changed nothing in the file")

    say("schema %d: the hub migrates its ledger at start" % version)
    c.start_hub(["--no-auto-issue"])
    c.hub.stop()
    log = c.hub.log()
    bak = ledger + ".bak-v%d" % version
    if version < CURRENT:
        line = "migrating ledger schema %d -> %d" % (version, CURRENT)
        check(line in log, "the hub logged '%s'" % line)
        check(os.path.exists(bak) and user_version(bak) == version,
              "a copy of the old file is kept as ledger.db.bak-v%d" % version)
    else:
        check("migrating" not in log and not os.path.exists(bak),
              "a ledger of schema %d needs no migration" % version)
    check(user_version(ledger) == CURRENT, "ledger.db is schema %d now" % CURRENT)
    got = indexes(ledger)
    check("entry_period" in got and "entry_month" not in got and "entry_figure" not in got,
          "the ledger has the entry_period index, and neither older one: %s" % sorted(got))
    check(count_rows(ledger, "project") == 0 and count_rows(ledger, "project_event") == 0,
          "the project pool's tables exist and are empty")
    with sqlite3.connect("file:%s?mode=ro" % ledger, uri=True) as db:
        steps = db.execute("SELECT count(*) FROM review_event WHERE kind <= 4").fetchone()[0]
    check(steps == 0, "the review's table exists, with no review step (the hub's "
          "reminders for the months since may be there)")
    check(chains(ledger) == corrected_chains(ledger),
          "chain rows only for the corrected chains: %s" % sorted(chains(ledger).items()))
    same(readings(c, exp), exp, "after the upgrade")
    rc, out, err = c.ctl("review", "queue", "--state-dir", c.path("hub"), "--format", "json",
                         check_rc=0)
    check(all(m["flagged"] == 0 for m in json.loads(out)["months"]),
          "the review queue reads the migrated ledger: no entry of it was flagged")
    c.start_hub(["--no-auto-issue"])
    c.hub.stop()
    check("migrating" not in c.hub.new_log(), "a second start migrates nothing")

    rc, out, err = c.ctl("bulletin", "export", "2019-07", "--state-dir", c.path("hub"),
                         "--revision", "2", "--out", c.path("b.bin"), check_rc=0)
    rc, out, err = c.ctl("bulletin", "verify", c.path("b.bin"), "--key",
                         os.path.join(fixture, "cq-hub.sign.pub"), "--state-dir", c.path("hub"))
    check(rc == 0, "the old bulletin's signature and digest verify against the migrated "
          "ledger: " + (out + err).strip().splitlines()[-1])

    say("schema %d: the node migrates its outbox at start and keeps every state" % version)
    node = c.start_node("cq-wanzhou", UNITS)
    st = c.status("cq-wanzhou")
    want = exp["outbox"]
    check((st["pending"], st["acknowledged"], st["rejected"])
          == (want["0"], want["1"], want["2"]),
          "pending %d, acknowledged %d, rejected %d as recorded"
          % (st["pending"], st["acknowledged"], st["rejected"]))
    if old_outbox < OUTBOX_CURRENT:
        check("migrating outbox schema %d -> %d" % (old_outbox, OUTBOX_CURRENT) in node.log(),
              "the node logged its migration")
        check(os.path.exists(outbox + ".bak-v%d" % old_outbox),
              "and kept outbox.db.bak-v%d" % old_outbox)
    check(count_rows(outbox, "project") == 0, "the outbox's project table exists and is empty")
    check(count_rows(outbox, "notice") == 0, "the outbox's review notices exist, empty")
    c.start_hub(["--no-auto-issue"])
    wait_until(lambda: c.drained("cq-wanzhou"), 60, "the pending entries to arrive")
    corrections(c)
    node.stop()
    c.hub.stop()
    check(user_version(outbox) == OUTBOX_CURRENT, "outbox.db is schema %d now" % OUTBOX_CURRENT)
    rc, out, err = c.ctl("ledger", "--state-dir", c.path("hub"), "--period", "2019-08",
                         "--format", "json", check_rc=0)
    rows = json.loads(out)
    check([(r["unit"], r["indicator"], r["entries"]) for r in rows]
          == [("cq-wanzhou", "cadres_to_sd", want["0"] + 1)],
          "the old pending entries, and a correction of one, are in the migrated ledger now")


def newer():
    fixture = os.path.join(SRC, "tests", "data", "schema-v0")
    c = Cluster("upgrade-newer", secure=False)
    os.makedirs(c.path("hub"))
    os.makedirs(c.path("cq-wanzhou"))
    for name, d in (("ledger.db", "hub"), ("outbox.db", "cq-wanzhou")):
        shutil.copy(os.path.join(fixture, name), c.path(d, name))
        db = sqlite3.connect(c.path(d, name))
        db.execute("PRAGMA user_version = %d" % (CURRENT + 4))
        db.commit()
        db.close()
    say("a file newer than this release is refused, not touched")
    rc, out, err = c.ctl("ledger", "--state-dir", c.path("hub"))
    want = "this ledger is schema %d; this luyuctl knows up to %d: upgrade luyuctl" % (
        CURRENT + 4, CURRENT)
    check(rc == 1 and want in err, "luyuctl: " + err.strip())
    hub = c.start_hub(wait=False)
    wait_until(lambda: not hub.alive(), 30, "the hub to give up")
    want = "this ledger is schema %d; this luyu-hub knows up to %d" % (CURRENT + 4, CURRENT)
    check(hub.proc.returncode != 0 and want in hub.log(), "the hub refuses to start: " + want)
    node = c.start_node("cq-wanzhou", UNITS, wait=False)
    wait_until(lambda: not node.alive(), 30, "the node to give up")
    want = "this outbox is schema %d; this luyu-node knows up to %d" % (CURRENT + 4,
                                                                        OUTBOX_CURRENT)
    check(node.proc.returncode != 0 and want in node.log(), "the node refuses to start: " + want)
    check(user_version(c.path("hub", "ledger.db")) == CURRENT + 4
          and not os.path.exists(c.path("hub", "ledger.db.bak-v%d" % (CURRENT + 4))),
          "the newer ledger is left as it was")


def older_index():
    """Ledgers from before the entry_month index had entry_figure; the
    upgrade replaces it (what every open used to do), and since schema 5
    entry_month with entry_period."""
    fixture = os.path.join(SRC, "tests", "data", "schema-v0")
    c = Cluster("upgrade-index", secure=False)
    os.makedirs(c.path("hub"))
    ledger = c.path("hub", "ledger.db")
    shutil.copy(os.path.join(fixture, "ledger.db"), ledger)
    db = sqlite3.connect(ledger)
    db.executescript("DROP INDEX entry_month;"
                     "CREATE INDEX entry_figure ON entry(unit, indicator, period);")
    db.close()
    say("a ledger with the older entry_figure index")
    c.start_hub(["--no-auto-issue"])
    c.hub.stop()
    got = indexes(ledger)
    check("entry_period" in got and "entry_month" not in got and "entry_figure" not in got,
          "entry_figure became entry_period")


def main():
    versions = sorted(int(d[len("schema-v"):]) for d in os.listdir(os.path.join(SRC, "tests", "data"))
                      if d.startswith("schema-v"))
    check(versions and versions[0] == 0, "fixtures of schemas %s" % versions)
    for v in versions:
        upgrade(v)
    newer()
    older_index()


run(main)
