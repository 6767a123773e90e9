"""Frames over the size limit and refused handshakes are counted and
logged, never silent (issue 11, item 4, and the hub's side of "a node with
the wrong hub key").

A raw CURVE client registered as a node sends frames of 1 MiB + 1 and
2 MiB: they are answered MALFORMED and counted in
luyu_hub_frames_malformed_total (they used to vanish), like a frame type
a node does not send and a Hello in another protocol version (answered,
but not counted before). A frame just under
1 MiB that decodes (a Ping with an unknown field) is answered: under CURVE
libzmq's limit used to count the encryption's 33 bytes against it. A frame
of 5 MiB, over libzmq's limit, makes libzmq drop the connection: the
socket monitor counts luyu_hub_connections_dropped_total and logs it with
the peer's address. A client with the wrong hub key and one with an
unknown key are counted in luyu_hub_handshakes_refused_total by reason and
logged by address. An honest node keeps delivering; the ledger is exact."""
import os

import zmq

from luyutest import (Cluster, _field, check, compare_ids, free_port, pb_hello, run, say,
                      wait_until)
from rawpeer import ask, connect, error_of, keypair, metric, welcome_hwm

MIB = 1024 * 1024


def main():
    c = Cluster("oversize")
    pub, sec = keypair()
    c.register("cq-kaizhou", "cq-kaizhou", key=pub)
    mport = free_port()
    c.start_hub(["--metrics", "127.0.0.1:%d" % mport])
    n = "cq-wanzhou"
    c.start_node(n, n)
    ctx = zmq.Context()
    s = connect(c, ctx, pub, sec)
    check(welcome_hwm(ask(s, pb_hello("cq-kaizhou"))) == 0, "raw client welcome")

    for size in (MIB + 1, 2 * MIB):
        ans = ask(s, os.urandom(size), 20000)
        check(error_of(ans).startswith("MALFORMED") and "frame of %d bytes" % size
              in error_of(ans), "%d bytes: %s" % (size, error_of(ans)))
    ans = ask(s, _field(6, 2, b""))
    check(error_of(ans).startswith("MALFORMED"), "a Pong from a node: " + error_of(ans))
    ans = ask(s, _field(1, 2, _field(1, 0, 2) + _field(2, 2, b"cq-kaizhou")))
    check(error_of(ans).startswith("BAD_VERSION"), "a hello in version 2: " + error_of(ans))
    m = metric(mport, "luyu_hub_frames_malformed_total")
    check(m == 4, "luyu_hub_frames_malformed_total = %g: all four counted" % m)
    ping = _field(5, 2, b"")
    pad = MIB - 20 - len(ping)
    near = ping + _field(15, 2, b"x" * pad)
    check(MIB - 32 < len(near) <= MIB, "a ping of %d bytes (1 MiB - %d)" % (len(near), MIB - len(near)))
    ans = ask(s, near, 20000)
    check(ans is not None and ans[0] == "pong", "is answered: " + error_of(ans))

    say("a frame of 5 MiB, over libzmq's limit")
    s.send(os.urandom(5 * MIB))
    wait_until(lambda: metric(mport, "luyu_hub_connections_dropped_total") >= 1, 30,
               "luyu_hub_connections_dropped_total to count it")
    log = c.hub.log()
    check("dropped the connection from 127.0.0.1:" in log, "the hub logged the drop with the address")
    s.close()

    say("a client with the wrong hub key, and one with an unknown key")
    wrong_pub, _ = keypair()
    w = connect(c, ctx, pub, sec, server_key=wrong_pub)
    wait_until(lambda: metric(mport, "luyu_hub_handshakes_refused_total",
                              'reason="bad_crypto"') >= 1, 30, "bad_crypto to be counted")
    w.close()
    o_pub, o_sec = keypair()
    o = connect(c, ctx, o_pub, o_sec)
    o.send(pb_hello("cq-kaizhou"))
    wait_until(lambda: metric(mport, "luyu_hub_handshakes_refused_total",
                              'reason="unknown_key"') >= 1, 30, "unknown_key to be counted")
    o.close()
    log = c.hub.log()
    check("refused a connection from 127.0.0.1:" in log and "wrong hub key" in log,
          "the hub logged the wrong-key handshake with the address")
    check("its key is not in the registry" in log, "and the unknown key")

    say("the honest node is still served")
    rc, out, err = c.ctl("submit", "--unit", n, "--indicator", "cadres_to_sd", "--period",
                         "2019-03", "--amount", "4", node=n, check_rc=0)
    wait_until(lambda: c.drained(n), 30, "the honest node to deliver")
    compare_ids([out.strip()], c.ledger_ids())
    ctx.term()


run(main)
