"""The spool in luyuctl status and /metrics (files waiting, the one being
imported, done, failed, the last problem), and a big file read off the
node's loop: while 300,000 rows are read and checked, luyuctl status keeps
answering and says which file is being imported; the file, bad on its last
line, ends in failed/ with that line named, and a good file of 5,000 rows
after it in done/, stored once."""
import os
import urllib.request

from luyutest import Cluster, check, free_port, run, say, wait_until

BIG_ROWS = 300000
GOOD_ROWS = 5000


def drop(spool, name, lines):
    tmp = os.path.join(spool, "." + name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("unit,indicator,period,amount,note\n")
        f.writelines(lines)
    os.rename(tmp, os.path.join(spool, name))


def metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=60) as r:
        text = r.read().decode()
    return dict(l.rsplit(" ", 1) for l in text.splitlines()
                if l.startswith("luyu_node_spool"))


def main():
    c = Cluster("spoolstatus")
    c.start_hub()
    n = "cq-wanzhou"
    spool = c.path("spool")
    port = free_port()
    # Thousands of rows of one figure are duplicates to the data-quality
    # checks (60-quality tests those); this test is about the spool's state.
    c.start_node(n, n, extra=["--spool", spool, "--spool-confirm",
                              "--web", "127.0.0.1:%d" % port])

    say("an idle spool in status and /metrics")
    sp = c.status(n)["spool"]
    check(sp["dir"] == spool and sp["waiting"] == 0 and sp["importing"] == ""
          and sp["done"] == 0 and sp["failed"] == 0 and sp["last_error_at"] == 0,
          "status: %s" % sp)
    m = metrics(port)
    check(m.get("luyu_node_spool_files_waiting") == "0"
          and m.get("luyu_node_spool_files_done") == "0", "metrics: %s" % m)

    say("a big file: the node answers status all along")
    drop(spool, "big.csv", ["%s,poor_trained,2019-07,%d,row %d\n" % (n, i % 97, i)
                            for i in range(BIG_ROWS)] + ["cq-nowhere,poor_trained,2019-07,1,\n"])
    seen = set()

    def big_done():
        sp = c.status(n)["spool"]  # fails the test if the node does not answer
        seen.add(sp["importing"])
        return sp["failed"] == 1

    wait_until(big_done, 300, "big.csv to be refused")
    check("big.csv" in seen, "status answered while big.csv was imported: %s" % sorted(seen))
    err = open(os.path.join(spool, "failed", "big.csv.err"), encoding="utf-8").read()
    check("big.csv:%d:1:" % (BIG_ROWS + 2) in err and "cq-nowhere" in err,
          "the last line is named: " + err.splitlines()[0])
    sp = c.status(n)["spool"]
    check(sp["last_error_at"] > 0 and "big.csv" in sp["last_error"] and sp["importing"] == "",
          "the last problem: " + sp["last_error"])
    check(c.status(n)["last_seq"] == 0, "nothing of it stored")

    say("a good file after it: done/, stored once")
    # Amounts of 0 and 1: the month's total stays under the plan's rule
    # (poor_trained.max, 5,000 persons a month).
    drop(spool, "good.csv", ["%s,poor_trained,2019-07,%d,ok %d\n" % (n, i % 2, i)
                             for i in range(GOOD_ROWS)])
    wait_until(lambda: c.status(n)["spool"]["done"] == 1 or c.status(n)["spool"]["failed"] == 2, 300, "good.csv to be imported")
    st = c.status(n)
    check(st["last_seq"] == GOOD_ROWS and st["spool"]["waiting"] == 0,
          "%d entries stored: %d" % (GOOD_ROWS, st["last_seq"]))
    m = metrics(port)
    check(m.get("luyu_node_spool_files_done") == "1"
          and m.get("luyu_node_spool_files_failed") == "1"
          and m.get("luyu_node_spool_importing") == "0"
          and float(m.get("luyu_node_spool_last_error_timestamp_seconds", "0")) > 0,
          "metrics: %s" % m)

    say("a restart counts what is in done/ and failed/")
    c.nodes[n].stop()
    # Thousands of rows of one figure are duplicates to the data-quality
    # checks (60-quality tests those); this test is about the spool's state.
    c.start_node(n, n, extra=["--spool", spool, "--spool-confirm",
                              "--web", "127.0.0.1:%d" % port])
    sp = c.status(n)["spool"]
    check(sp["done"] == 1 and sp["failed"] == 1, "after a restart: %s" % sp)


run(main)
