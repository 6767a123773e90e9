"""A node started with the wrong --hub-key backs off and keeps its log
short; the hub counts the refused handshakes (issue 11, "also fix").

The node used to log the same error about 8 times a second (libzmq's own
100 ms reconnect) and the hub counted nothing. Now each refused handshake
closes the link and waits the node's reconnect backoff (doubling, with
jitter, up to --backoff-max-ms), and the node logs only the 1st, 2nd,
4th, 8th ... refusal, each with its attempt number and the delay it
chose. The hub counts each attempt in
luyu_hub_handshakes_refused_total{reason="bad_crypto"}. Checked as
outcomes, not rates: once the hub has refused 9 attempts, the node has
logged fewer lines than attempts, numbered 1, 2, 4, 8; the delays it chose
grow to the configured maximum and never past it. Then the node is
restarted with the right key and delivers what it accepted meanwhile."""
import re

from luyutest import Cluster, check, compare_ids, free_port, run, say, wait_until
from rawpeer import keypair, metric

N = "cq-wanzhou"


def main():
    c = Cluster("wrong-hub-key")
    mport = free_port()
    c.start_hub(["--metrics", "127.0.0.1:%d" % mport])
    wrong_pub, wrong_sec = keypair()
    with open(c.path("keys", "wrong.pub"), "w") as f:
        f.write(wrong_pub + "\n")
    argv = c.node_argv(N, N, ["--backoff-min-ms", "20", "--backoff-max-ms", "160"])
    argv[argv.index("--hub-key") + 1] = c.path("keys", "wrong.pub")
    from luyutest import Daemon
    d = Daemon(N, argv, c.path(N + ".log")).start()
    c.daemons.append(d)
    c.nodes[N] = d
    wait_until(lambda: " up: units " in d.new_log() or not d.alive(), 20, "node start")
    rc, out, err = c.ctl("submit", "--unit", N, "--indicator", "cadres_to_sd", "--period",
                         "2019-03", "--amount", "3", node=N, check_rc=0)
    accepted = [out.strip()]
    # Both sides' outcomes, not one as a proxy for the other: the hub may
    # count a refusal before the node has logged its attempt.
    wait_until(lambda: metric(mport, "luyu_hub_handshakes_refused_total",
                              'reason="bad_crypto"') >= 9
               and re.search(r"attempt (8|1[0-9]|[2-9][0-9]|\d{3,})\b", d.log()),
               120, "the hub to refuse 9 handshakes and the node to log attempt 8")
    d.stop()
    refused = metric(mport, "luyu_hub_handshakes_refused_total", 'reason="bad_crypto"')
    lines = [l for l in d.log().splitlines() if "(attempt " in l]
    attempts = [int(m.group(1)) for m in (re.search(r"attempt (\d+)", l) for l in lines) if m]
    delays = [int(m.group(1)) for m in (re.search(r"next in (\d+) ms", l) for l in lines) if m]
    say("  hub refused %d handshakes; node logged %d lines: attempts %s, delays %s ms"
        % (refused, len(lines), attempts, delays))
    check(len(lines) < refused, "fewer log lines than refused attempts")
    check(attempts[:4] == [1, 2, 4, 8] and all(a & (a - 1) == 0 or a % 64 == 0
                                                for a in attempts),
          "logged at attempts 1, 2, 4, 8 ...")
    check(max(delays) <= 160 and delays[-1] >= 70,
          "the delays grew to the backoff maximum (160 ms, jitter down to half) and no further")
    check("--hub-key" in lines[0], "the line says what to check: " + lines[0])
    check(c.ledger_ids() == [], "nothing reached the ledger")

    say("restarted with the right hub key")
    c.start_node(N, N)
    wait_until(lambda: c.drained(N), 30, "the node to deliver")
    compare_ids(accepted, c.ledger_ids())


run(main)
