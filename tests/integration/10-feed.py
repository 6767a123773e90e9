"""luyuctl feed shows what the hub merges as it happens: an entry submitted
at a node appears on it; node up/down and rejects appear too;
--unit filters."""
import json
import os
import subprocess
import threading
import time

from luyutest import BIN, Cluster, check, free_port, run, say, wait_until


class Feed:
    def __init__(self, argv):
        self.lines = []
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.proc.stdout:
            self.lines.append((time.time(), line.rstrip("\n")))


def main():
    c = Cluster("feed")
    feed_ep = "tcp://127.0.0.1:%d" % free_port()
    # A TCP feed is CurveZMQ: the readers use a registered key (the node's).
    c.register("cq-kaizhou", "cq-kaizhou,cq-wanzhou")
    c.start_hub(["--feed", feed_ep])
    ctl = os.path.join(BIN, "luyuctl")
    keys = ["--hub-key", c.path("keys", "cq-hub.pub"),
            "--secret-key", c.path("keys", "cq-kaizhou.key")]
    everything = Feed([ctl, "feed", "--hub", feed_ep, "--json", "--timeout", "60"] + keys)
    only = Feed([ctl, "feed", "--hub", feed_ep, "--unit", "cq-kaizhou", "--count", "1"] + keys)
    time.sleep(1.0)   # let the subscriptions reach the hub (PUB drops before)
    c.start_node("cq-kaizhou", "cq-kaizhou,cq-wanzhou")
    wait_until(lambda: any("node.up" in l for _, l in everything.lines), 10, "node.up event")
    say("  ok: node.up appears when the node connects")
    t0 = time.time()
    rc, out, err = c.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "agri_sales_to_sd",
                         "--period", "2019-08", "--amount", "88.5", node="cq-kaizhou",
                         check_rc=0)
    entry_id = out.strip()
    got = wait_until(lambda: [(t, l) for t, l in everything.lines if entry_id in l], 5,
                     "the entry on the feed")
    t, line = got[0]
    ev = json.loads(line)
    check(ev["topic"] == "entry.cq-wanzhou.agri_sales_to_sd" and
          ev["event"]["amount"] == "88.50", "entry event carries unit, indicator, amount in yuan")
    # How soon is a number for tests/bench (latency_p50_ms, latency_p99_ms),
    # not an outcome: shown, not asserted.
    say("  it appeared %.0f ms after the submit returned" % ((t - t0) * 1000))
    rc, out, err = c.ctl("submit", "--unit", "cq-kaizhou", "--indicator", "cadres_to_sd",
                         "--period", "2019-08", "--amount", "2", node="cq-kaizhou", check_rc=0)
    only.proc.wait(timeout=10)
    text = [l for _, l in only.lines]
    check(len(text) == 1 and "cq-kaizhou" in text[0] and "cadres_to_sd" in text[0],
          "--unit cq-kaizhou shows only that unit's entry: " + (text[0] if text else ""))
    rc, out, err = c.ctl("project", "add", "cq-wanzhou-2019-007", "--name", "万州茶叶基地",
                         "--area", "industry", "--planned", "500000", node="cq-kaizhou",
                         check_rc=0)
    pid = out.strip()
    got = wait_until(lambda: [l for _, l in everything.lines if pid in l], 5,
                     "the project event on the feed")
    ev = json.loads(got[0])
    check(ev["topic"] == "project.cq-wanzhou.cq-wanzhou-2019-007"
          and ev["event"]["kind"] == "created" and ev["event"]["stage"] == "reserve",
          "a project event appears as project.UNIT.ID, with its kind and stage")
    c.nodes["cq-kaizhou"].stop()
    everything.proc.terminate()
    everything.proc.wait(timeout=10)


run(main)
