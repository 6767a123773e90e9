"""The ZAP handler renews its socket after a storm of handshakes (issue
19, third round: libzmq keeps every connection's pipe pair to the handler
until the handler's socket closes). Connections admitted before the
renewal keep working, connections after it are still checked against the
registry: a registered key gets in, an unknown key does not, and the
ledger holds exactly what was acknowledged."""
import time

import zmq

from luyutest import Cluster, check, pb_batch, pb_entry, pb_hello, run, say, wait_until
from rawpeer import acked, ask, connect, keypair, ledger_rows, welcome_hwm

IND, PERIOD = "cadres_to_sd", 201903
STORM = 80  # more handshakes than the handler's RECYCLE_MIN (64)


def main():
    c = Cluster("zaprenew")
    a_pub, a_sec = keypair()
    b_pub, b_sec = keypair()
    c.register("cq-wanzhou", "cq-wanzhou", key=a_pub)
    c.register("cq-kaizhou", "cq-kaizhou", key=b_pub)
    c.start_hub()
    ctx = zmq.Context()

    say("node A connects and delivers seq 1 before the storm")
    a = connect(c, ctx, a_pub, a_sec, rid=b"a")
    check(welcome_hwm(ask(a, pb_hello("cq-wanzhou"))) == 0, "A welcome, hwm 0")
    check(acked(ask(a, pb_batch([pb_entry(1, "cq-wanzhou", IND, PERIOD, 100)]))) == (1, {}),
          "A's seq 1 acked")

    say("%d connections of node B's key: one handshake (and ZAP request) each" % STORM)
    storm = []
    for i in range(STORM):
        s = connect(c, ctx, b_pub, b_sec, rid=b"b%d" % i)
        check(welcome_hwm(ask(s, pb_hello("cq-kaizhou"), timeout=20000)) == 0,
              "storm connection %d welcomed" % i)
        storm.append(s)

    say("the storm settles: the hub renews its ZAP handler")
    wait_until(lambda: "renewed the ZAP handler" in c.hub.log(), 30, "ZAP handler renewed")
    time.sleep(2.5)  # the old socket is closed a tick later, its pipes with it

    say("A's connection, admitted before the renewal, still delivers")
    check(acked(ask(a, pb_batch([pb_entry(2, "cq-wanzhou", IND, PERIOD, 200)]))) == (2, {}),
          "A's seq 2 acked on its old connection")
    check(welcome_hwm(ask(storm[-1], pb_hello("cq-kaizhou"))) == 0,
          "a storm connection still answered")

    say("an unknown key is still refused after the renewal")
    x_pub, x_sec = keypair()
    x = connect(c, ctx, x_pub, x_sec, rid=b"x")
    check(ask(x, pb_hello("cq-wanzhou"), timeout=3000) is None, "unknown key: no answer")
    wait_until(lambda: "unknown key " + x_pub in c.hub.log(), 10, "the refusal in the hub log")
    x.close()

    say("a registered key still gets in on a new connection")
    a2 = connect(c, ctx, a_pub, a_sec, rid=b"a2")
    check(welcome_hwm(ask(a2, pb_hello("cq-wanzhou"), timeout=20000)) == 2,
          "A welcome on a new connection, hwm 2")
    check(acked(ask(a2, pb_batch([pb_entry(3, "cq-wanzhou", IND, PERIOD, 300)]))) == (3, {}),
          "A's seq 3 acked")

    rows = ledger_rows(c)
    check(rows == [("cq-wanzhou", 1, "cq-wanzhou", 100, ""),
                   ("cq-wanzhou", 2, "cq-wanzhou", 200, ""),
                   ("cq-wanzhou", 3, "cq-wanzhou", 300, "")],
          "ledger holds exactly A's three entries: %s" % rows)
    for s in storm + [a, a2]:
        s.close()
    ctx.term()


run(main)
