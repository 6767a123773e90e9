"""CurveZMQ and the key registry: an unknown key delivers nothing and the
hub logs the refusal; a registered node writing another unit's figures is
refused with a reason and the ledger is unchanged; a Hello claiming another
node's id is refused; a key removed from the registry and reloaded with
SIGHUP is cut off; secret key files others can read are refused."""
import os
import stat
import subprocess
import time

import zmq

from luyutest import (BIN, PLAN, Cluster, check, pb_batch, pb_decode, pb_entry, pb_hello,
                      raw_socket, run, say, wait_until)


def ask(sock, payload, timeout=3000):
    try:
        sock.send(payload)
    except zmq.Again:
        return None
    if not sock.poll(timeout):
        return None
    return pb_decode(sock.recv())


def main():
    c = Cluster("security")
    c.start_hub()
    c.start_node("cq-wanzhou", "cq-wanzhou")
    rc, out, err = c.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "cadres_to_sd",
                         "--period", "2019-03", "--amount", "2", node="cq-wanzhou", check_rc=0)
    wait_until(lambda: c.drained("cq-wanzhou"), 20, "honest node delivers over CURVE")
    say("  ok: a registered node delivers over CurveZMQ")

    say("an outsider who knows the hub's public key")
    ctx = zmq.Context()
    out_sock, _ = raw_socket(c, ctx)
    ans = ask(out_sock, pb_hello("cq-wanzhou"))
    check(ans is None, "gets no answer at all (handshake refused)")
    ask(out_sock, pb_batch([pb_entry(1, "cq-wanzhou", "cadres_to_sd", 201903, 99)]), 500)
    wait_until(lambda: "unknown key" in c.hub.log(), 10, "refusal in the hub log")
    say("  ok: hub logged: unknown key")

    say("an unknown node daemon")
    subprocess.run([os.path.join(BIN, "luyuctl"), "keygen", "--out", c.path("keys", "stranger")],
                   check=True, capture_output=True)
    from luyutest import Daemon
    argv = [os.path.join(BIN, "luyu-node"), "--id", "cq-kaizhou", "--hub", c.endpoint,
            "--units", "cq-kaizhou", "--state-dir", c.path("stranger"), "--plan", PLAN,
            "--hub-key", c.path("keys", "cq-hub.pub"), "--secret-key",
            c.path("keys", "stranger.key"), "--timeout-ms", "1000", "--heartbeat-ms", "300"]
    d = Daemon("stranger", argv, c.path("stranger.log")).start()
    c.daemons.append(d)
    wait_until(lambda: os.path.exists(c.path("stranger", "control.sock")), 10, "stranger up")
    c.nodes["stranger"] = d
    os.symlink(c.path("stranger", "control.sock"), c.path("stranger.sock"))
    rc, out, err = c.ctl("--node", c.path("stranger", "control.sock"), "submit", "--unit",
                         "cq-kaizhou", "--indicator", "cadres_to_sd", "--period", "2019-03",
                         "--amount", "5")
    check(rc == 0, "the stranger's node accepts locally (it cannot know yet)")
    wait_until(lambda: "not registered" in d.log(), 15, "stranger to see the refusal")
    say("  ok: the stranger's node logs that its key is not registered")

    say("a registered insider writing another unit's figures")
    # Registered before it connects: a refused handshake is retried only
    # after libzmq's reconnect interval.
    ins, ins_pub = raw_socket(c, ctx, "cq-insider", units="cq-kaizhou")
    w = ask(ins, pb_hello("cq-wanzhou"))
    check(w is not None and 7 in w and pb_decode(w[7][0]).get(1) == [6],
          "hello claiming node cq-wanzhou with cq-insider's key is REFUSED")
    w = ask(ins, pb_hello("cq-insider"))
    check(w is not None and 2 in w, "hello as itself is welcome")
    a = ask(ins, pb_batch([pb_entry(1, "cq-wanzhou", "cadres_to_sd", 201903, 1000)]))
    ack = pb_decode(a[4][0])
    rej = pb_decode(ack[2][0]) if 2 in ack else {}
    check(ack.get(1) == [1] and b"may not report" in rej.get(2, [b""])[0],
          "entry for cq-wanzhou refused: " + rej.get(2, [b""])[0].decode())
    db = c.ledger_db()
    rows = db.execute("SELECT node, amount FROM entry").fetchall()
    db.close()
    check(rows == [("cq-wanzhou", 2)], "ledger unchanged: only the honest entry")

    say("removing a key and reloading cuts the node off")
    c.unregister("cq-wanzhou")
    wait_until(lambda: "cut off" in c.hub.log(), 10, "hub to cut the node off")
    rc, out, err = c.ctl("submit", "--unit", "cq-wanzhou", "--indicator", "cadres_to_sd",
                         "--period", "2019-04", "--amount", "7", node="cq-wanzhou", check_rc=0)
    time.sleep(2.5)
    st = c.status("cq-wanzhou")
    check(st["pending"] == 1, "the removed node's new entry is not delivered")
    db = c.ledger_db()
    n = db.execute("SELECT count(*) FROM entry WHERE node = 'cq-wanzhou'").fetchone()[0]
    db.close()
    check(n == 1, "nothing more from the removed node in the ledger")

    say("secret key files that others can read are refused")
    os.chmod(c.path("keys", "cq-hub.key"), 0o644)
    c.hub.stop()
    p = subprocess.run(c.hub_argv(), capture_output=True, timeout=10)
    err = p.stderr.decode()
    check(p.returncode != 0 and "readable by others" in err, "hub refuses: " + err.strip())
    check(c.keygen("cq-hub") not in err, "and does not print the key")
    os.chmod(c.path("keys", "cq-hub.key"), 0o600)
    for sock in (out_sock, ins):
        sock.close()
    ctx.term()


run(main)
