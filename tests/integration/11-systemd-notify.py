"""sd_notify and /metrics, against a fake $NOTIFY_SOCKET: READY=1 only once
the hub accepts connections, STATUS= updates, WATCHDOG=1 as long as it runs when
$WATCHDOG_USEC is set (the interval itself, half of it, is unit/test_notify's
and the hub's code: a count of pings in a time window measures the machine's
load as much as the hub), SIGHUP gives RELOADING=1 then READY=1, SIGTERM gives
STOPPING=1 and exit 0 with nothing lost. /metrics parses as the Prometheus
text format and its values move as entries flow."""
import os
import re
import signal
import socket
import threading
import time
import urllib.request

from luyutest import (Cluster, Daemon, check, free_port, import_rows, run, sample_rows, say,
                      wait_until)
import random


class Notify:
    def __init__(self, path, on_ready=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.msgs = []
        self.on_ready = on_ready
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        while True:
            data = self.sock.recv(4096).decode()
            if "READY=1" in data and self.on_ready:
                self.on_ready()
            self.msgs.append((time.time(), data))

    def count(self, what, since=0):
        return sum(1 for t, m in self.msgs if t >= since and what in m.split("\n"))


SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+Inf]+$')


def scrape(port):
    body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read()
    values = {}
    for line in body.decode().splitlines():
        if line.startswith("# HELP") or line.startswith("# TYPE") or not line:
            continue
        if not SAMPLE.match(line):
            raise AssertionError("not exposition format: %r" % line)
        name, v = line.rsplit(" ", 1)
        values[name] = float(v)
    return values


def main():
    rnd = random.Random(11)
    c = Cluster("notify")
    path = c.path("notify.sock")
    ready_checks = []

    def on_ready():
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", c.port))
            ready_checks.append(True)
        except OSError:
            ready_checks.append(False)
        s.close()

    note = Notify(path, on_ready)
    mport = free_port()
    os.environ["NOTIFY_SOCKET"] = path
    os.environ["WATCHDOG_USEC"] = "400000"
    try:
        c.start_hub(["--metrics", "127.0.0.1:%d" % mport])
    finally:
        del os.environ["NOTIFY_SOCKET"]
        del os.environ["WATCHDOG_USEC"]
    wait_until(lambda: note.count("READY=1") >= 1, 10, "READY=1")
    check(ready_checks[:1] == [True], "READY=1 came when the hub already accepted connections")
    t0 = time.time()
    wait_until(lambda: note.count("WATCHDOG=1", t0) >= 5, 120, "WATCHDOG=1 pings")
    check(True, "the hub keeps sending WATCHDOG=1 (5 pings seen)")
    check(any(m.startswith("STATUS=") for _, m in note.msgs), "STATUS= sent: " +
          [m for _, m in note.msgs if m.startswith("STATUS=")][-1])

    before = scrape(mport)
    check(before.get('luyu_hub_entries_total{outcome="committed"}') == 0,
          "/metrics parses; 0 entries committed so far")
    n = "cq-wanzhou"
    c.start_node(n, n, ["--metrics", "127.0.0.1:%d" % free_port()])
    rc, ids = import_rows(c, n, sample_rows(n, 500, rnd))
    wait_until(lambda: c.drained(n), 20, "drain")
    after = scrape(mport)
    check(after['luyu_hub_entries_total{outcome="committed"}'] == 500, "committed moved to 500")
    check(after["luyu_hub_nodes_connected"] == 1, "one node connected")
    check(after["luyu_hub_commit_latency_seconds_count"] >= 1, "commit latency observed")
    check(after["luyu_process_start_time_seconds"] > 1.7e9, "process start time")
    wait_until(lambda: any("500 entries/min" in m or "entries/min" in m and "1/1" in m
                           for _, m in note.msgs), 10, "STATUS to show the node and entries")
    say("  ok: STATUS updated: " + [m for _, m in note.msgs if m.startswith("STATUS=")][-1])

    t1 = time.time()
    c.hub.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: note.count("READY=1", t1) >= 1, 10, "READY=1 after reload")
    seq = [m for t, m in note.msgs if t >= t1 and ("RELOADING=1" in m or "READY=1" in m)]
    check(seq and "RELOADING=1" in seq[0] and "READY=1" in seq[1],
          "SIGHUP: RELOADING=1 then READY=1")

    t2 = time.time()
    c.hub.proc.send_signal(signal.SIGTERM)
    rc = c.hub.proc.wait(timeout=10)
    check(note.count("STOPPING=1", t2) == 1 and rc == 0, "SIGTERM: STOPPING=1 and exit 0")
    db = c.ledger_db()
    count = db.execute("SELECT count(*) FROM entry").fetchone()[0]
    db.close()
    check(count == 500, "nothing lost across the stop")


run(main)
