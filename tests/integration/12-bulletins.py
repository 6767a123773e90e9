"""Monthly mutual notification between the Chongqing and Shandong hubs:
each issues a signed bulletin on command and pushes it to the other; a peer
that is down gets everything exactly once when it returns; a late entry
leads to revision 2 with a revision section; a tampered bulletin is
refused (over the wire and offline); the joint HTML bulletin is
well-formed and names every indicator; automatic issuing fires for the
right months after a restart."""
import calendar
import json
import os
import random
import sqlite3
import subprocess
import time
import xml.etree.ElementTree as ET

import zmq

from luyutest import (BIN, PLAN, Cluster, Daemon, check, free_port, pb_decode, run, say,
                      peer_args, two_provinces, wait_until, write_csv)


def setup():
    return two_provinces("bul")




def hub_sock(c):
    return c.path("hub", "control.sock")


def listing(c):
    rc, out, err = c.ctl("bulletin", "list", *c.ledger_args(), "--json", check_rc=0)
    return json.loads(out)


def held(c, prov, period):
    return [b for b in listing(c) if b["province"] == prov and b["period"] == period]


def main():
    cq, sd = setup()
    cq.start_hub(peer_args(cq, sd))
    sd.start_hub(peer_args(sd, cq))
    cq.start_node("cq-wanzhou", "cq-wanzhou,cq-wushan")
    sd.start_node("sd-jinan", "sd-jinan")
    rows = [("cq-wanzhou", "agri_sales_to_sd", "2019-07", "2500000.00", "七月"),
            ("cq-wushan", "agri_sales_to_sd", "2019-07", "1000000.50", ""),
            ("cq-wanzhou", "cadres_to_sd", "2019-07", "4", ""),
            ("cq-wanzhou", "poor_trained", "2019-06", "120", "")]
    write_csv(cq.path("july.csv"), rows)
    cq.ctl("import", cq.path("july.csv"), node="cq-wanzhou", check_rc=0)
    sd.ctl("submit", "--unit", "sd-jinan", "--indicator", "sd_investment", "--period",
           "2019-07", "--amount", "8800000", node="sd-jinan", check_rc=0)
    for c, n in ((cq, "cq-wanzhou"), (sd, "sd-jinan")):
        wait_until(lambda: c.drained(n), 20, n + " to drain")

    say("issue on command, exchange both ways")
    rc, out, err = cq.ctl("bulletin", "issue", "2019-07", "--hub", hub_sock(cq), check_rc=0)
    check("revision 1" in out, "CQ issued 2019-07 revision 1: " + out.strip())
    sd.ctl("bulletin", "issue", "2019-07", "--hub", hub_sock(sd), check_rc=0)
    wait_until(lambda: held(sd, "CQ", "2019-07") and held(cq, "SD", "2019-07"), 20,
               "each hub to hold the other's bulletin")
    wait_until(lambda: all(b.get("acked_at") for b in held(cq, "CQ", "2019-07")), 20,
               "SD to acknowledge CQ's bulletin")
    say("  ok: both hubs hold both bulletins; CQ's is acknowledged")

    say("the peer is down for a while, then returns")
    sd.hub.stop()
    rc, out, err = cq.ctl("bulletin", "issue", "2019-08", "--hub", hub_sock(cq))
    check(rc == 0, "CQ issues 2019-08 while SD is down")
    time.sleep(2)
    sd.start_hub(peer_args(sd, cq))
    wait_until(lambda: held(sd, "CQ", "2019-08"), 20, "2019-08 to reach SD")
    time.sleep(1.5)   # several resend periods
    check(len(held(sd, "CQ", "2019-08")) == 1, "delivered exactly once")

    say("a late entry gives revision 2 with its revision section")
    cq.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "agri_sales_to_sd", "--period",
           "2019-07", "--amount", "300000", "--note", "迟报", node="cq-wanzhou", check_rc=0)
    wait_until(lambda: cq.drained("cq-wanzhou"), 20, "drain")
    rc, out, err = cq.ctl("bulletin", "issue", "2019-07", "--hub", hub_sock(cq), check_rc=0)
    check("revision 2" in out, "revision 2 issued: " + out.strip())
    rc, out, err = cq.ctl("bulletin", "issue", "2019-07", "--hub", hub_sock(cq))
    check(rc == 2, "no revision 3 without new entries: " + err.strip())
    rc, out, err = cq.ctl("bulletin", "show", "2019-07", "--state-dir", cq.path("hub"),
                          "--revision", "2", "--format", "json", check_rc=0)
    check("迟报" in out or "cq-wanzhou/5" in out, "revision 2 lists the late entry")
    wait_until(lambda: any(b["revision"] == 2 for b in held(sd, "CQ", "2019-07")), 20,
               "revision 2 to reach SD")
    rc, out, err = cq.ctl("bulletin", "show", "2019-07", "--state-dir", cq.path("hub"),
                          "--revision", "1", "--format", "json", check_rc=0)
    check("迟报" not in out, "revision 1 is unchanged")

    say("tampered bulletins are refused")
    sd.ctl("bulletin", "export", "2019-07", "--province", "SD", "--state-dir", sd.path("hub"),
           "--out", sd.path("sd-2019-07.bin"), check_rc=0)
    rc, out, err = sd.ctl("bulletin", "verify", sd.path("sd-2019-07.bin"), "--key",
                          sd.path("keys", "sd-hub.sign.pub"))
    check(rc == 0, "the exported bulletin verifies offline")
    rc, out, err = sd.ctl("bulletin", "verify", sd.path("sd-2019-07.bin"), "--key",
                          sd.path("keys", "sd-hub.sign.pub"), "--state-dir", sd.path("hub"))
    check(rc == 0 and "matches" in out, "its digest matches SD's ledger: " + out.strip())
    rc, out, err = sd.ctl("bulletin", "verify", sd.path("sd-2019-07.bin"), "--key",
                          sd.path("keys", "sd-hub.sign.pub"), "--state-dir", cq.path("hub"))
    check(rc == 1 and "not matching" in err, "but not CQ's: " + err.strip())
    # A copy of SD's ledger with one covered entry changed afterwards.
    os.makedirs(sd.path("copy"))
    src = sqlite3.connect(sd.path("hub", "ledger.db"))
    dst = sqlite3.connect(sd.path("copy", "ledger.db"))
    src.backup(dst)
    src.close()
    dst.execute("UPDATE entry SET amount = amount + 1 WHERE id = 1")
    dst.commit()
    dst.close()
    rc, out, err = sd.ctl("bulletin", "verify", sd.path("sd-2019-07.bin"), "--key",
                          sd.path("keys", "sd-hub.sign.pub"), "--state-dir", sd.path("copy"))
    check(rc == 1 and "has changed" in err, "a changed entry is caught: " + err.strip())
    data = bytearray(open(sd.path("sd-2019-07.bin"), "rb").read())
    data[len(data) // 3] ^= 0x20
    open(sd.path("bad.bin"), "wb").write(data)
    rc, out, err = sd.ctl("bulletin", "verify", sd.path("bad.bin"), "--key",
                          sd.path("keys", "sd-hub.sign.pub"))
    check(rc == 1, "a tampered copy fails verification: " + (err or out).strip())
    # Over the wire, as the real SD hub (its CURVE key), to the CQ hub.
    ctx = zmq.Context()
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.curve_serverkey = open(cq.path("keys", "cq-hub.pub")).read().strip().encode()
    s.curve_publickey = open(sd.path("keys", "sd-hub.pub")).read().strip().encode()
    s.curve_secretkey = open(sd.path("keys", "sd-hub.key")).read().strip().encode()
    s.connect(cq.endpoint)
    from luyutest import _field
    push = _field(8, 2, _field(1, 2, b"SD") + _field(2, 0, 201907) + _field(3, 0, 9) +
                  _field(4, 2, bytes(data)))
    s.send(push)
    check(s.poll(5000), "the CQ hub answers the tampered push")
    ack = pb_decode(pb_decode(s.recv())[9][0])
    check(ack.get(4, [0]) == [0], "it is refused: " + ack.get(5, [b""])[0].decode())
    s.close()
    ctx.term()
    check(not any(b["revision"] == 9 for b in held(cq, "SD", "2019-07")), "and not stored")

    say("the joint HTML bulletin")
    rc, html, err = cq.ctl("bulletin", "show", "2019-07", "--joint", "--format", "html",
                           "--state-dir", cq.path("hub"), check_rc=0)
    root = ET.fromstring(html)
    check(root is not None, "the HTML parses as well-formed XML")
    rc, out, err = cq.ctl("plan", "--format", "json", check_rc=0)
    names = [i["name"] for i in json.loads(out)["indicators"]]
    missing = [n for n in names if n not in html]
    check(not missing, "every indicator is in it (missing: %s)" % missing)
    check("<svg" in html and "http://" not in html.replace("http://www.w3.org", ""),
          "inline SVG chart, no external assets")
    open(cq.path("joint.html"), "w").write(html)

    say("automatic issuing after a restart")
    cq.hub.stop()
    fake = calendar.timegm((2019, 9, 6, 12, 0, 0, 0, 0, 0))
    os.environ["LUYU_FAKE_NOW"] = str(fake)
    try:
        argv = [a for a in peer_args(cq, sd) if a != "--no-auto-issue"]
        cq.start_hub(argv + ["--issue-from", "2019-06"])
    finally:
        del os.environ["LUYU_FAKE_NOW"]
    wait_until(lambda: held(cq, "CQ", "2019-06"), 20, "2019-06 issued automatically")
    check(not held(cq, "CQ", "2019-09"), "2019-09 has not closed yet: not issued")
    revs = sorted(b["revision"] for b in held(cq, "CQ", "2019-08"))
    check(revs == [1, 2], "2019-08 gets revision 2 at this closing, because the late July "
          "entry changed its year-to-date figures (%s)" % revs)
    revs7 = sorted(b["revision"] for b in held(cq, "CQ", "2019-07"))
    check(revs7 == [1, 2], "2019-07 already had revision 2 covering it: no third (%s)" % revs7)


run(main)
