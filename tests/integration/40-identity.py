"""A registered node can only ever write as itself (issue 11, item 1).

Raw CURVE clients choose their own routing ids. Node A's key says Hello
with routing id "x", delivers seq 1 and leaves; node B's key connects with
the same routing id and, without Hello, sends a batch that would be A's
seq 2. The hub must refuse it (REFUSED, logged, counted in /metrics), not
ack it, not merge it, and not treat A's real seq 2 as a duplicate later.
B's Hello claiming A is refused too; B writing under its own Hello is
B's entry (checked against B's units), never A's. The ledger is compared
exactly before and after."""
import zmq

from luyutest import Cluster, check, free_port, pb_batch, pb_entry, pb_hello, pb_ping, run, say
from rawpeer import acked, ask, balances, connect, connect_and_ask, error_of, keypair, \
    ledger_rows, metric, welcome_hwm

IND, PERIOD = "cadres_to_sd", 201903


def main():
    c = Cluster("identity")
    a_pub, a_sec = keypair()
    b_pub, b_sec = keypair()
    c.register("cq-wanzhou", "cq-wanzhou", key=a_pub)
    c.register("cq-kaizhou", "cq-kaizhou", key=b_pub)
    mport = free_port()
    c.start_hub(["--metrics", "127.0.0.1:%d" % mport])
    ctx = zmq.Context()

    say("node A (cq-wanzhou) says hello with routing id x and delivers seq 1")
    a = connect(c, ctx, a_pub, a_sec, rid=b"x")
    check(welcome_hwm(ask(a, pb_hello("cq-wanzhou"))) == 0, "A welcome, hwm 0")
    ack = acked(ask(a, pb_batch([pb_entry(1, "cq-wanzhou", IND, PERIOD, 111)])))
    check(ack == (1, {}), "A's seq 1 acked")
    a.close()
    before = ledger_rows(c)
    check(before == [("cq-wanzhou", 1, "cq-wanzhou", 111, "")], "ledger before: A/1 = 111")

    say("node B's key takes routing id x and sends A's seq 2 without hello")
    b, ans = connect_and_ask(c, ctx, b_pub, b_sec, b"x",
                             pb_batch([pb_entry(2, "cq-wanzhou", IND, PERIOD, 666)]))
    check(error_of(ans).startswith("REFUSED"), "B's batch in A's session: " + error_of(ans))
    ans = ask(b, pb_ping())
    check(error_of(ans).startswith("REFUSED"), "B's ping in A's session: " + error_of(ans))
    ans = ask(b, pb_hello("cq-wanzhou"))
    check(error_of(ans).startswith("REFUSED"), "B's hello claiming A: " + error_of(ans))
    check(ledger_rows(c) == before, "ledger unchanged: nothing of B's merged")

    say("B writes under its own hello: its entry is B's, checked against B's units")
    check(welcome_hwm(ask(b, pb_hello("cq-kaizhou"))) == 0, "B welcome as cq-kaizhou")
    ack = acked(ask(b, pb_batch([pb_entry(1, "cq-wanzhou", IND, PERIOD, 666)])))
    check(ack is not None and ack[0] == 1 and "may not report" in ack[1].get(1, ""),
          "B's entry for A's unit is B's seq 1, rejected: %s" % (ack,))
    b.close()

    say("A comes back (same routing id) and sends its real seq 2")
    a, ans = connect_and_ask(c, ctx, a_pub, a_sec, b"x", pb_hello("cq-wanzhou"))
    check(welcome_hwm(ans) == 1, "A welcome, hwm still 1")
    ack = acked(ask(a, pb_batch([pb_entry(2, "cq-wanzhou", IND, PERIOD, 222)])))
    check(ack == (2, {}), "A's seq 2 acked as new, not as a duplicate")
    a.close()

    after = ledger_rows(c)
    check(after == [("cq-wanzhou", 1, "cq-wanzhou", 111, ""),
                    ("cq-wanzhou", 2, "cq-wanzhou", 222, "")],
          "ledger after: exactly A/1 = 111 and A/2 = 222: %s" % after)
    check(balances(c) == [("cq-wanzhou", IND, PERIOD, 333, "integer")],
          "balance 333: B's 666 nowhere")
    refused = metric(mport, "luyu_hub_frames_refused_total", 'reason="not_owner"')
    check(refused == 3, "luyu_hub_frames_refused_total{reason=\"not_owner\"} = %g" % refused)
    log = c.hub.log()
    check("refused a message from" in log and "routing id belongs to node cq-wanzhou" in log,
          "the hub logged the refusal with the peer's address")
    ctx.term()


run(main)
