"""A TCP feed is always CurveZMQ with registered keys, loopback included;
a plain feed is an ipc:// socket (issue 11, "also fix").

The hub's feed on tcp://127.0.0.1 used to be plain, so any local user
could read every entry. Now: luyuctl feed without keys on a tcp:// feed
is refused with the reason (exit 2); a raw plain subscriber and a raw
CURVE subscriber with an unregistered key get nothing, while a reader
with a registered key gets the entry; a hub with --insecure refuses a
tcp:// feed at startup and serves an ipc:// feed plainly."""
import os
import subprocess
import time

import zmq

from luyutest import BIN, Cluster, check, free_port, run, say, wait_until
from rawpeer import keypair

N = "cq-wanzhou"


def sub(ctx, ep, server_key=None):
    s = ctx.socket(zmq.SUB)
    s.setsockopt(zmq.LINGER, 0)
    if server_key:
        pub, sec = keypair()
        s.curve_serverkey = server_key.encode()
        s.curve_publickey, s.curve_secretkey = pub.encode(), sec.encode()
    s.setsockopt(zmq.SUBSCRIBE, b"")
    s.connect(ep)
    return s


def main():
    c = Cluster("feed-curve")
    c.register(N, N)
    feed_ep = "tcp://127.0.0.1:%d" % free_port()
    c.start_hub(["--feed", feed_ep])
    ctl = os.path.join(BIN, "luyuctl")
    p = subprocess.run([ctl, "feed", "--hub", feed_ep, "--count", "1"], capture_output=True,
                       text=True, timeout=30)
    check(p.returncode == 2 and "CurveZMQ" in p.stderr,
          "luyuctl feed without keys: exit %d, %s" % (p.returncode, p.stderr.strip()))

    ctx = zmq.Context()
    with open(c.path("keys", "cq-hub.pub")) as f:
        hub_pub = f.read().strip()
    plain = sub(ctx, feed_ep)
    stranger = sub(ctx, feed_ep, server_key=hub_pub)
    keyed = subprocess.Popen([ctl, "feed", "--hub", feed_ep, "--json", "--count", "1",
                              "--timeout", "60", "--hub-key", c.path("keys", "cq-hub.pub"),
                              "--secret-key", c.path("keys", N + ".key")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # let the subscriptions reach the hub (PUB drops before)
    c.start_node(N, N)
    rc, out, err = c.ctl("submit", "--unit", N, "--indicator", "cadres_to_sd", "--period",
                         "2019-03", "--amount", "1", node=N, check_rc=0)
    got, _ = keyed.communicate(timeout=90)
    check(keyed.returncode == 0 and ("node.up" in got or out.strip() in got),
          "a reader with a registered key gets the feed: " + got.strip()[:80])
    for name, s in (("a plain subscriber", plain), ("a CURVE subscriber with an unknown key",
                                                    stranger)):
        check(not s.poll(2000), "%s got nothing" % name)
        s.close()
    ctx.term()
    c.hub.stop()

    say("--insecure: a tcp:// feed is refused, an ipc:// feed is plain")
    p = subprocess.run([os.path.join(BIN, "luyu-hub"), "--id", "cq-hub",
                       "--listen", "tcp://127.0.0.1:%d" % free_port(), "--state-dir",
                       c.path("hub2"), "--insecure", "--feed", feed_ep],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 78 and "only ipc://" in p.stderr,
          "insecure hub with a tcp feed refuses to start: " + p.stderr.strip()[-120:])
    ipc = "ipc://" + c.path("feed.sock")
    plain_c = Cluster("feed-plain", secure=False)
    plain_c.start_hub(["--feed", ipc])
    reader = subprocess.Popen([ctl, "feed", "--hub", ipc, "--count", "1", "--timeout", "60"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    plain_c.start_node(N, N)
    out, _ = reader.communicate(timeout=90)
    check(reader.returncode == 0 and N in out, "ipc:// feed read without keys: " + out.strip())


run(main)
