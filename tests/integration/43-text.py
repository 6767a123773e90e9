"""Every text luyu emits is valid UTF-8, and a NUL inside a text field is
refused, not cut (issue 11, items 5 and 6).

A raw CURVE client sends an entry whose `corrects` is 42 Chinese
characters (126 bytes): the reject reason quotes it, and quoting it with
"%.80s" used to cut the 27th character in half; that reason went out in
the Ack and into the ledger's reject table, where Python's sqlite3 could
not read it. A Hello with a 22-character node id is answered MALFORMED
with a message that quotes it. Then notes, units and node ids with a NUL
byte inside: protobuf-c would read "abc\\0hidden" as "abc"; the hub must
answer MALFORMED and merge nothing, and the node's control socket must
answer BAD_INPUT and store nothing. The ledger is compared exactly."""
import socket
import struct

import zmq

from luyutest import (Cluster, _field, check, pb_batch, pb_entry, pb_hello, pb_decode, run,
                      say)
from rawpeer import acked, ask, connect, error_of, keypair, ledger_rows, welcome_hwm

N, IND, PERIOD = "cq-wanzhou", "cadres_to_sd", 201903
LU = "\u9c81"  # 鲁


def strict(b, what):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as e:
        raise AssertionError("%s is not UTF-8: %r (%s)" % (what, b, e))


def raw_entry(seq, note=b"", unit=N.encode()):
    """pb_entry with raw bytes for unit and note."""
    b = _field(1, 0, seq) + _field(2, 2, unit) + _field(3, 2, IND.encode())
    b += _field(4, 0, PERIOD) + _field(5, 0, 5) + _field(6, 2, note)
    return b + _field(7, 2, b"t") + _field(8, 0, 1)


def ctl_request(sock_path, req):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(sock_path)
    s.sendall(struct.pack(">I", len(req)) + req)
    hdr = b""
    while len(hdr) < 4:
        hdr += s.recv(4 - len(hdr))
    n, = struct.unpack(">I", hdr)
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    s.close()
    return pb_decode(body)


def main():
    c = Cluster("text")
    pub, sec = keypair()
    c.register(N, N, key=pub)
    c.start_hub()
    ctx = zmq.Context()
    s = connect(c, ctx, pub, sec)
    check(welcome_hwm(ask(s, pb_hello(N))) == 0, "welcome")
    check(acked(ask(s, pb_batch([pb_entry(1, N, IND, PERIOD, 7, note="好")]))) == (1, {}),
          "an honest entry with a Chinese note is taken")

    say("a reject reason quoting 42 Chinese characters")
    a = ask(s, pb_batch([pb_entry(2, N, IND, PERIOD, 5, corrects=LU * 42)]))
    check(a is not None and a[0] == "ack", "acked with a reject: " + error_of(a))
    rej = pb_decode(a[1][2][0])
    reason = strict(rej[2][0], "the reason in the Ack")
    check(reason.startswith("corrects \"" + LU * 26 + "\""),
          "the reason is cut at a character boundary: " + reason)
    db = c.ledger_db()
    stored = db.execute("SELECT reason FROM reject WHERE seq = 2").fetchone()[0]
    db.close()
    check(stored == reason, "Python's sqlite3 reads the stored reason")
    s2 = connect(*(c, ctx, pub, sec))
    e = ask(s2, pb_hello(LU * 22))
    check(e is not None and e[0] == "error", "a hello with a Chinese node id: " + error_of(e))
    strict(e[1][2][0], "the MALFORMED message")
    check(LU * 21 + "\"" in strict(e[1][2][0], "it"),
          "the MALFORMED message quotes 21 whole characters")
    s2.close()

    say("NUL bytes inside text fields")
    before = ledger_rows(c)
    for what, entry in (("note", raw_entry(3, note=b"abc\0hidden")),
                        ("unit", raw_entry(3, unit=N.encode() + b"\0x"))):
        ans = ask(s, _field(3, 2, _field(1, 2, entry)))
        check(error_of(ans).startswith("MALFORMED") and "NUL" in error_of(ans),
              "a NUL in the %s: %s" % (what, error_of(ans)))
    ans = ask(s, _field(1, 2, _field(1, 0, 1) + _field(2, 2, N.encode() + b"\0evil")))
    check(error_of(ans).startswith("MALFORMED"), "a NUL in a hello's node id: " + error_of(ans))
    check(acked(ask(s, pb_batch([pb_entry(3, N, IND, PERIOD, 9)]))) == (3, {}),
          "seq 3 is still free: nothing of the refused frames was taken")
    after = ledger_rows(c)
    check(after == before + [(N, 3, N, 9, "")], "ledger: exactly the honest entries")
    s.close()
    ctx.term()

    say("the node's control socket")
    m = "cq-kaizhou"
    c.start_node(m, m)
    entry = (_field(1, 2, m.encode()) + _field(2, 2, IND.encode()) + _field(3, 2, b"2019-03")
             + _field(4, 2, b"5") + _field(5, 2, b"abc\0hidden"))
    resp = ctl_request(c.sock(m), _field(1, 2, _field(1, 2, entry)))
    msg = strict(resp.get(2, [b""])[0], "the node's answer")
    check(resp.get(1) == [1] and "NUL" in msg, "submit with a NUL in the note: BAD_INPUT: " + msg)
    check(c.status(m)["last_seq"] == 0, "the node stored nothing")
    resp = ctl_request(c.sock(m), _field(2, 2, _field(1, 2, (LU * 30).encode())
                                         + _field(2, 2, b"1")))
    msg = strict(resp.get(2, [b""])[0], "the node's answer to a long id")
    check(resp.get(1) == [1] and LU * 26 + "\"" in msg and "?" not in msg,
          "correct of a Chinese id: cut at a character: " + msg)


run(main)
