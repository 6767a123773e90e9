"""A raw CURVE client of the hub for the security tests (40-49): written
from proto/luyu.proto, it speaks the wire protocol directly with keys and
routing ids of its choosing, and reads the hub's /metrics. Not a test
itself (the test glob is [0-9]*.py)."""
import re
import urllib.request

import zmq

from luyutest import Failure, pb_decode

ERROR_NAMES = {1: "MALFORMED", 2: "NEED_HELLO", 3: "BAD_VERSION", 4: "GAP", 5: "BUSY",
               6: "REFUSED"}


def keypair():
    pub, sec = zmq.curve_keypair()
    return pub.decode(), sec.decode()


def connect(c, ctx, pub, sec, rid=None, server_key=None):
    """A DEALER to the hub with this key pair (and routing id)."""
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.SNDTIMEO, 2000)
    if rid is not None:
        s.setsockopt(zmq.ROUTING_ID, rid)
    if server_key is None:
        with open(c.path("keys", c.hub_id + ".pub")) as f:
            server_key = f.read().strip()
    s.curve_serverkey = server_key.encode()
    s.curve_publickey, s.curve_secretkey = pub.encode(), sec.encode()
    s.connect(c.endpoint)
    return s


def connect_and_ask(c, ctx, pub, sec, rid, payload, deadline=60.0):
    """Connects with routing id rid and sends payload, again on a new
    connection until it is answered: libzmq's ROUTER refuses a routing id
    still held by a connection it has not yet seen close, and then the
    message never reaches the hub. Returns (socket, answer)."""
    import time
    end = time.time() + deadline
    while True:
        s = connect(c, ctx, pub, sec, rid=rid)
        ans = ask(s, payload, 2000)
        if ans is not None or time.time() > end:
            return s, ans
        s.close()


def ask(sock, payload, timeout=5000):
    """Sends one frame and returns the answer as (kind, fields), or None
    when nothing came back within timeout ms."""
    try:
        sock.send(payload)
    except zmq.Again:
        return None
    if not sock.poll(timeout):
        return None
    return frame(sock.recv())


def frame(buf):
    f = pb_decode(buf)
    kinds = {1: "hello", 2: "welcome", 3: "batch", 4: "ack", 5: "ping", 6: "pong",
             7: "error", 8: "bulletin_push", 9: "bulletin_ack"}
    (num, vals), = f.items()
    return kinds[num], pb_decode(vals[0])


def error_of(ans):
    """"REFUSED: reason" for an Error answer, else what it was."""
    if ans is None:
        return "no answer"
    kind, f = ans
    if kind != "error":
        return kind
    return "%s: %s" % (ERROR_NAMES.get(f.get(1, [0])[0], "?"),
                       f.get(2, [b""])[0].decode("utf-8"))


def acked(ans):
    """The ack's upto and its rejects {seq: reason}, or None."""
    if ans is None or ans[0] != "ack":
        return None
    rejects = {}
    for r in ans[1].get(2, []):
        rf = pb_decode(r)
        rejects[rf.get(1, [0])[0]] = rf.get(2, [b""])[0].decode("utf-8")
    return ans[1].get(1, [0])[0], rejects


def welcome_hwm(ans):
    if ans is None or ans[0] != "welcome":
        raise Failure("wanted Welcome, got " + error_of(ans))
    return ans[1].get(1, [0])[0]


def metrics(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        return r.read().decode("utf-8")


def metric(port, name, labels=""):
    """The value of one sample of /metrics (0 when absent)."""
    pat = re.escape(name + ("{%s}" % labels if labels else "")) + r" (\S+)"
    m = re.search("^" + pat + "$", metrics(port), re.M)
    return float(m.group(1)) if m else 0.0


def ledger_rows(c):
    db = c.ledger_db()
    try:
        return db.execute("SELECT node, seq, unit, amount, note FROM entry"
                          " ORDER BY node, seq").fetchall()
    finally:
        db.close()


def balances(c):
    db = c.ledger_db()
    try:
        return db.execute("SELECT unit, indicator, period, amount, typeof(amount)"
                          " FROM balance ORDER BY 1, 2, 3").fetchall()
    finally:
        db.close()
