"""Failover, Jepsen-style: a PostgreSQL primary with a synchronous standby,
two hubs in active/standby on it, five CURVE nodes importing all the time.
Meanwhile the active hub is killed with SIGKILL several times, frozen with
SIGSTOP past the other's takeover and woken with SIGCONT (it must exit
without committing anything more), frozen the same way twice more in the
middle of a transaction (a batch sent, its Sync not: the state in which
the server arms no idle timeout for its session), and once the database primary is
killed and the standby promoted. Hubs are restarted when they exit, as
systemd's Restart= does.

At the end: every entry luyuctl reported accepted is in the ledger exactly
once; balances equal sums computed here from the imported rows; and the
lock's history (hub_term, and the term stamped on every entry in commit
order) shows one active hub at a time.

Skipped (77) where PostgreSQL cannot be started."""
import os
import random
import signal
import threading
import time

import pgserver
from luyutest import (DISTRICTS, Cluster, Daemon, Failure, check, compare_ids, import_rows,
                      listen_port, run, sample_rows, say, wait_until)

NODES = 5
CHUNK = 50
KILLS = 3
IDLE_MS = 2000
FREEZES = 2


def expected_sums(rows):
    """The balances, computed from the rows as imported: money in fen,
    counts as they are (docs/DESIGN.md, section 2)."""
    sums = {}
    for unit, ind, period, amt, _note in rows:
        if "." in amt:
            yuan, fen = amt.split(".")
            v = int(yuan) * 100 + int(fen)
        else:
            v = int(amt)
        key = (unit, ind, int(period.replace("-", "")))
        sums[key] = sums.get(key, 0) + v
    return sums


class Hubs:
    """Two hubs on one ledger, restarted whenever one exits."""

    def __init__(self, c, pg):
        self.c, self.pg = c, pg
        # Below the ephemeral range, and not c.port + 1: a hub restarts
        # many times here, and meanwhile a connection may take its port.
        self.ports = [listen_port(), listen_port()]
        while self.ports[1] == self.ports[0]:
            self.ports[1] = listen_port()
        self.hubs = []
        for i, port in enumerate(self.ports):
            name = "hub-" + "ab"[i]
            argv = c.hub_argv(["--ledger", pg.url(), "--ledger-idle-ms", str(IDLE_MS)])
            argv[argv.index("--listen") + 1] = "tcp://127.0.0.1:%d" % port
            argv[argv.index("--state-dir") + 1] = c.path(name)
            argv[argv.index("--id") + 1] = "cq-" + name
            d = Daemon(name, argv, c.path(name + ".log"))
            c.daemons.append(d)
            self.hubs.append(d)
        self.paused = None
        # The hubs' test hook (freeze_mid_transaction); they inherit it.
        self.freeze = c.path("freeze")
        os.environ["LUYU_TEST_PG_FREEZE"] = self.freeze
        self.exits = []
        self.stop = threading.Event()

    def endpoints(self):
        return ",".join("tcp://127.0.0.1:%d" % p for p in self.ports)

    def start(self):
        for d in self.hubs:
            d.start()
        threading.Thread(target=self.supervise, daemon=True).start()

    def supervise(self):
        while not self.stop.is_set():
            for d in self.hubs:
                if d is not self.paused and d.proc.poll() is not None:
                    self.exits.append((d.name, d.proc.returncode))
                    d.logf.close()
                    time.sleep(0.3)
                    d.start()
            time.sleep(0.1)

    def active(self):
        """The hub whose process holds the newest term, once it serves."""
        row = self.pg.writable().sql("SELECT term, pid FROM hub_term ORDER BY term DESC"
                                     " LIMIT 1", check=False)
        if not row:
            return None
        term, pid = (int(x) for x in row.split("\t"))
        for d in self.hubs:
            if d.alive() and d.proc.pid == pid and "up: listening" in d.new_log():
                return term, d
        return None


def stopped(d):
    """Whether d's process is stopped (SIGSTOP): state T in /proc."""
    try:
        with open("/proc/%d/stat" % d.proc.pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "T"
    except OSError:
        return False


def freeze_mid_transaction(hubs):
    """Has the active hub stop itself right after it sent a batch inside a
    transaction (the hub's test hook LUYU_TEST_PG_FREEZE, ledger/pg.c);
    returns its term and its daemon once it is stopped."""
    term, d = hubs.active()
    hubs.paused = d
    with open(hubs.freeze, "w"):
        pass
    try:
        wait_until(lambda: stopped(d) and "stopping in the middle of a transaction"
                   in d.new_log(), 60, "%s to stop itself mid-transaction" % d.name)
    finally:
        os.unlink(hubs.freeze)  # before the other hub's first batch
    return term, d


def main():
    rnd = random.Random(int(os.environ.get("LUYU_SEED", "1120")))
    pg = pgserver.PgCluster(standby=True)
    c = Cluster("failover")
    nodes = DISTRICTS[:NODES]
    for n in nodes:
        c.register(n, n)  # before the hubs read the registry
    hubs = Hubs(c, pg)
    c.endpoint = hubs.endpoints()
    hubs.start()
    first = wait_until(hubs.active, 60, "a hub to become active")
    say("  active: %s (term %d)" % (first[1].name, first[0]))
    for n in nodes:
        c.start_node(n, n, ["--batch-size", "50", "--window", "4"])

    accepted, rows_all, errors, lock = [], [], [], threading.Lock()
    stop = threading.Event()

    def importer(n):
        r = random.Random(rnd.random())
        while not stop.is_set():
            rows = sample_rows(n, CHUNK, r)
            rc, ids = import_rows(c, n, rows)
            if rc != 0:
                errors.append("import refused at %s: %d" % (n, rc))
                return
            with lock:
                accepted.extend(ids)
                rows_all.extend(rows)
            time.sleep(0.2)

    threads = [threading.Thread(target=importer, args=(n,), daemon=True) for n in nodes]
    for t in threads:
        t.start()

    def committed():
        return int(pg.writable().sql("SELECT count(*) FROM entry", check=False) or 0)

    def takeover(after):
        return wait_until(lambda: (lambda a: a if a and a[0] > after else None)(hubs.active()),
                          60, "another hub to take over after term %d" % after)

    def progress(what):
        if errors:
            raise Failure("; ".join(errors))
        n = committed()
        wait_until(lambda: committed() > n, 60, "entries committed " + what)

    term = first[0]
    for k in range(KILLS):
        progress("before kill %d" % (k + 1))
        term, d = hubs.active()
        d.kill9()
        term, d = takeover(term)
        say("  kill -9 #%d: %s took over (term %d)" % (k + 1, d.name, term))

    # Frozen past the takeover, then woken: it must stop, not commit.
    progress("before the pause")
    term, frozen = hubs.active()
    hubs.paused = frozen
    frozen.proc.send_signal(signal.SIGSTOP)
    term, d = takeover(term)
    say("  SIGSTOP: %s took over from the frozen %s (term %d)" % (d.name, frozen.name, term))
    progress("while %s is frozen" % frozen.name)
    frozen.proc.send_signal(signal.SIGCONT)
    rc = frozen.proc.wait(120)
    check(rc == 75 and "lost the ledger's database session" in frozen.new_log(),
          "the woken hub stopped, saying it lost its session (exit %s)" % rc)
    hubs.paused = None

    # Frozen in the middle of a transaction: a batch sent, its Sync not
    # yet. The server arms no idle timeout there, so the frozen hub's
    # writer kept the lock and its row locks for as long as it slept
    # (the flake of session 8). The lock's own session must let the other
    # hub in, which then ends the frozen hub's writer.
    for k in range(FREEZES):
        progress("before freeze %d in a transaction" % (k + 1))
        term, frozen = freeze_mid_transaction(hubs)
        term, d = takeover(term)
        say("  frozen mid-transaction #%d: %s took over from %s (term %d)"
            % (k + 1, d.name, frozen.name, term))
        check("ended 1 session(s) of the previous active hub" in d.new_log(),
              "%s ended the frozen hub's writer session before it wrote" % d.name)
        progress("while %s is frozen mid-transaction" % frozen.name)
        frozen.proc.send_signal(signal.SIGCONT)
        rc = frozen.proc.wait(120)
        check(rc == 75 and "lost the ledger's database session" in frozen.new_log(),
              "the hub woken mid-transaction stopped, saying it lost its session (exit %s)"
              % rc)
        hubs.paused = None

    # The database primary lost: the standby is promoted.
    progress("before the primary is killed")
    pg.promote()
    term, d = takeover(term)
    say("  primary killed, standby promoted: %s active (term %d)" % (d.name, term))
    progress("on the promoted standby")
    term, d = hubs.active()
    d.kill9()
    term, d = takeover(term)
    say("  kill -9 after promotion: %s took over (term %d)" % (d.name, term))

    stop.set()
    for t in threads:
        t.join(300)
    for n in nodes:
        wait_until(lambda: c.drained(n), 300, "%s drained" % n)
    hubs.stop.set()

    db = pgserver.Rows(pg.writable())
    ids = [r[0] for r in db.execute("SELECT node || '/' || seq FROM entry")]
    compare_ids(accepted, ids)
    check(len(ids) == len(set(ids)) == len(accepted),
          "ledger holds exactly the %d accepted ids, none twice" % len(accepted))
    want = expected_sums(rows_all)
    got = dict(((u, i, p), a) for u, i, p, a in db.execute(
        "SELECT unit, indicator, period, amount FROM balance"))
    check(got == want, "balances equal the sums of the %d imported rows" % len(rows_all))
    terms = [r[0] for r in db.execute("SELECT term FROM entry ORDER BY id")]
    check(all(a <= b for a, b in zip(terms, terms[1:])),
          "terms never go down in commit order: one writer at a time")
    history = db.execute("SELECT term, hub FROM hub_term ORDER BY term")
    check(len(history) >= KILLS + 2, "the lock's history has %d terms: %s"
          % (len(history), " ".join("%d:%s" % t for t in history)))
    say("  hub exits seen by the supervisor: %s" % hubs.exits)


if __name__ == "__main__":
    run(main)
