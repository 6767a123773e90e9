"""Garbage frames do not stop the hub: a registered insider sends random
bytes, truncated protobufs, oversized frames, many-part messages and
batches before hello; they are refused and counted while an honest node
keeps delivering exactly."""
import os
import random

import zmq

from luyutest import (Cluster, check, compare_ids, import_rows, pb_batch, pb_entry, pb_hello,
                      raw_socket, run, sample_rows, say, wait_until)


def main():
    rnd = random.Random(8)
    c = Cluster("garbage")
    c.start_hub()
    n = "cq-wulong"
    c.start_node(n, n)
    ctx = zmq.Context()
    bad, _ = raw_socket(c, ctx, "cq-rogue")
    accepted = []
    good_batch = pb_batch([pb_entry(1, "cq-wulong", "poor_trained", 201907, 1)])
    for round_ in range(5):
        for _ in range(200):
            bad.send(os.urandom(rnd.randrange(0, 300)), zmq.NOBLOCK)
        bad.send(good_batch)                       # batch before hello
        bad.send(pb_hello("cq-wulong")[:5])        # truncated protobuf
        bad.send_multipart([b"a", b"b", b"c"])     # too many frames
        bad.send(pb_hello("bad id!"))              # invalid node id
        rc, ids = import_rows(c, n, sample_rows(n, 200, rnd))
        check(rc == 0, "honest node accepted 200 entries during round %d" % round_)
        accepted += ids
    try:
        bad.send(b"\x00" * (2 * 1024 * 1024))     # over ZMQ_MAXMSGSIZE: hub drops the link
    except zmq.ZMQError:
        pass
    wait_until(lambda: c.drained(n), 60, "honest node to drain")
    check(c.hub.alive(), "hub still running")
    compare_ids(accepted, c.ledger_ids())
    check("malformed frame" in c.hub.log(), "hub logged the malformed frames")
    bad.close()
    ctx.term()


run(main)
