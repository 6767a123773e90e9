"""A resent batch doubles nothing: a raw client (not our node) says hello,
sends a batch, sends it again, reconnects and sends it once more, and
sends a batch that leaves a gap. The ledger holds each entry once."""
import time

import zmq

from luyutest import (Cluster, check, pb_batch, pb_decode, pb_entry, pb_hello, raw_socket, run,
                      say)


def exchange(sock, payload, timeout=5000):
    sock.send(payload)
    if not sock.poll(timeout):
        raise AssertionError("no answer from the hub")
    return pb_decode(sock.recv())


def main():
    c = Cluster("resend")
    c.start_hub()
    ctx = zmq.Context()
    s, _ = raw_socket(c, ctx, "cq-wanzhou")
    w = exchange(s, pb_hello("cq-wanzhou"))
    check(2 in w, "hello answered with welcome")
    entries = [pb_entry(i, "cq-wanzhou", "poor_trained", 201907, 10) for i in range(1, 11)]
    a = exchange(s, pb_batch(entries))
    check(4 in a and pb_decode(a[4][0]).get(1) == [10], "batch 1..10 acked up to 10")
    a = exchange(s, pb_batch(entries))
    check(4 in a and pb_decode(a[4][0]).get(1) == [10], "the same batch again: ack 10 again")
    s.close()
    # A new key for the same node, registered before it connects: a
    # handshake that reached the hub before the reload would be refused.
    s, _ = raw_socket(c, ctx, "cq-wanzhou")
    w = exchange(s, pb_hello("cq-wanzhou"))
    check(pb_decode(w[2][0]).get(1) == [10], "after reconnect the hub says hwm 10")
    a = exchange(s, pb_batch(entries[5:]))
    check(4 in a, "resent tail acked")
    gap = [pb_entry(i, "cq-wanzhou", "poor_trained", 201907, 10) for i in range(15, 17)]
    e = exchange(s, pb_batch(gap))
    err = pb_decode(e[7][0]) if 7 in e else {}
    check(err.get(1) == [4] and err.get(3) == [10], "a gap is refused with GAP and hwm 10")
    s.close()
    ctx.term()
    db = c.ledger_db()
    n, total = db.execute("SELECT count(*), sum(amount) FROM entry").fetchone()
    bal = db.execute("SELECT amount FROM balance").fetchall()
    db.close()
    check(n == 10 and total == 100, "ledger holds 10 entries once each (sum 100)")
    check(bal == [(100,)], "the balance is 100, not doubled")


run(main)
