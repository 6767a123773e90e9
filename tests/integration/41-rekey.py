"""A key replaced or removed in the registry is cut off at once, on
connections already open (issue 11, item 2).

A raw CURVE client with node cq-wanzhou's first key says Hello and
delivers seq 1. The registry then gives cq-wanzhou a new key and the hub
gets SIGHUP. On the connection still open with the old key, a batch, a
ping and a fresh Hello are all refused (REFUSED, counted), and nothing
is merged; a new connection with the new key is welcome and delivers
seq 2. Then the node is removed from the registry altogether: its open
connection with the new key is refused likewise. The ledger is compared
exactly before and after."""
import zmq

from luyutest import Cluster, check, free_port, pb_batch, pb_entry, pb_hello, pb_ping, run, say
from rawpeer import acked, ask, balances, connect, error_of, keypair, ledger_rows, metric, \
    welcome_hwm

N, IND, PERIOD = "cq-wanzhou", "cadres_to_sd", 201903


def main():
    c = Cluster("rekey")
    old_pub, old_sec = keypair()
    new_pub, new_sec = keypair()
    c.register(N, N, key=old_pub)
    c.register("cq-kaizhou", "cq-kaizhou")
    mport = free_port()
    c.start_hub(["--metrics", "127.0.0.1:%d" % mport])
    ctx = zmq.Context()

    old = connect(c, ctx, old_pub, old_sec)
    check(welcome_hwm(ask(old, pb_hello(N))) == 0, "old key: welcome")
    check(acked(ask(old, pb_batch([pb_entry(1, N, IND, PERIOD, 10)]))) == (1, {}),
          "old key: seq 1 acked")
    before = ledger_rows(c)

    say("the registry gives %s a new key; SIGHUP" % N)
    c.register(N, N, key=new_pub)
    for what, payload in (("batch", pb_batch([pb_entry(2, N, IND, PERIOD, 99)])),
                          ("ping", pb_ping()), ("hello", pb_hello(N))):
        ans = ask(old, payload)
        check(error_of(ans).startswith("REFUSED"),
              "old key, open connection, %s: %s" % (what, error_of(ans)))
    check(ledger_rows(c) == before, "ledger unchanged by the old key")

    new = connect(c, ctx, new_pub, new_sec)
    check(welcome_hwm(ask(new, pb_hello(N))) == 1, "new key: welcome, hwm 1")
    check(acked(ask(new, pb_batch([pb_entry(2, N, IND, PERIOD, 20)]))) == (2, {}),
          "new key: seq 2 acked")

    say("%s removed from the registry; SIGHUP" % N)
    c.unregister(N)
    ans = ask(new, pb_batch([pb_entry(3, N, IND, PERIOD, 99)]))
    check(error_of(ans).startswith("REFUSED"),
          "removed node, open connection, batch: " + error_of(ans))
    ans = ask(new, pb_hello(N))
    check(error_of(ans).startswith("REFUSED"),
          "removed node, open connection, hello: " + error_of(ans))

    after = ledger_rows(c)
    check(after == [(N, 1, N, 10, ""), (N, 2, N, 20, "")],
          "ledger after: exactly %s/1 = 10 and %s/2 = 20: %s" % (N, N, after))
    check(balances(c) == [(N, IND, PERIOD, 30, "integer")], "balance 30")
    n = metric(mport, "luyu_hub_frames_refused_total", 'reason="key_not_registered"')
    check(n == 5, "luyu_hub_frames_refused_total{reason=\"key_not_registered\"} = %g" % n)
    check("no longer registered" in c.hub.log() or "its key replaced" in c.hub.log(),
          "the hub logged the cut-off")
    old.close()
    new.close()
    ctx.term()


run(main)
