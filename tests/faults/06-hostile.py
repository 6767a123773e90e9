"""Hostile and broken peers: registered insiders gone bad send random bytes,
truncated and oversized messages, valid messages in the wrong order, replays
of old batches and floods, while an outsider hammers the handshake. The hub
stays up, honest nodes' entries all arrive while the attack goes on and
after it, and the ledger stays exact.

How much throughput honest nodes keep under the attack is a number, not an
outcome: `06-hostile.py --measure ROWS TRIES` measures it (the benchmark
key hostile_ratio, tests/bench/run, docs/BENCHMARKS.md), on a release build
and a quiet machine, never in the default suite.

The attackers run in a separate process at the lowest CPU priority (nice
19), each flooding at up to RATE messages a second: on this 2-core machine a
Python sender at normal priority would measure the scheduler, not the hub.
What is measured is what the hub does with the flood."""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import zmq

from luyutest import (CLUSTERS, Cluster, check, compare_ids, import_rows, pb_batch, pb_entry, pb_hello,
                      pb_ping, run, sample_rows, say, wait_until)

ROWS = 5000
RATE = 2000


def few_persons(unit, n, rnd):
    """sample_rows with one person a row: the benchmark imports into the
    same months again and again, and random counts of people would take a
    month past the plan's maximum (5,000), which no confirmation lets in
    (node/quality.c). Money rows stay as they are."""
    return [(u, ind, per, amt if ind in MONEY else "1", note)
            for u, ind, per, amt, note in sample_rows(unit, n, rnd)]


MONEY = ("agri_sales_to_sd", "sd_investment")


def drain_time(c, nodes, rnd, accepted, rows=ROWS, make=sample_rows):
    t0 = time.time()
    for n in nodes:
        rc, ids = import_rows(c, n, make(n, rows, rnd))
        if rc != 0:
            raise AssertionError("import refused")
        accepted += ids
    for n in nodes:
        wait_until(lambda: c.drained(n), 600, n + " to drain")
    return time.time() - t0


def curve_socket(ctx, endpoint, server, pub, sec):
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.setsockopt(zmq.SNDTIMEO, 2000)
    s.curve_serverkey, s.curve_publickey, s.curve_secretkey = server, pub, sec
    s.connect(endpoint)
    return s


def attacker(s, name, stop, rnd, counts):
    replay = pb_batch([pb_entry(i, "cq-wuxi", "poor_trained", 201905, 1) for i in range(1, 50)])
    try:
        s.send(pb_hello(name), zmq.NOBLOCK)
    except zmq.Again:
        pass
    t0 = time.time()
    sent = 0
    while not stop.is_set():
        if sent > (time.time() - t0) * RATE:
            time.sleep(0.005)
            continue
        sent += 1
        kind = rnd.randrange(6)
        try:
            if kind == 0:
                s.send(os.urandom(rnd.randrange(1, 2000)), zmq.NOBLOCK)
            elif kind == 1:
                s.send(replay[:rnd.randrange(1, len(replay))], zmq.NOBLOCK)
            elif kind == 2:
                s.send(replay, zmq.NOBLOCK)                  # replay the same batch
            elif kind == 3:
                s.send(pb_hello(name, from_seq=rnd.randrange(1 << 40)), zmq.NOBLOCK)
            elif kind == 4:
                s.send_multipart([b"x"] * rnd.randrange(2, 40), zmq.NOBLOCK)
            else:
                s.send(pb_ping(), zmq.NOBLOCK)
            counts[0] += 1
        except zmq.Again:
            time.sleep(0.001)
        while s.poll(0):
            s.recv()
    s.close()


def outsider(ctx, endpoint, server, stop):
    while not stop.is_set():
        pub, sec = zmq.curve_keypair()
        s = curve_socket(ctx, endpoint, server, pub, sec)
        try:
            s.send(b"hello?", zmq.NOBLOCK)
        except zmq.Again:
            pass
        time.sleep(0.05)
        s.close()


def attack_process(endpoint, server, creds):
    """Child process: argv carries the hub endpoint, its key and one
    name,pub,sec per insider (Z85 has colons). Runs until killed."""
    os.nice(19)
    ctx = zmq.Context()
    stop = threading.Event()
    counts = [0]
    threads = []
    for i, cred in enumerate(creds):
        name, pub, sec = cred.split(",", 2)
        s = curve_socket(ctx, endpoint, server.encode(), pub.encode(), sec.encode())
        threads.append(threading.Thread(target=attacker, args=(s, name, stop,
                                                               random.Random(i), counts)))
    threads.append(threading.Thread(target=outsider, args=(ctx, endpoint, server.encode(),
                                                           stop)))
    for t in threads:
        t.daemon = True
        t.start()
    while True:
        time.sleep(1)
        print(counts[0], flush=True)


def start_attack(c, attempt):
    server = open(c.path("keys", c.hub_id + ".pub")).read().strip()
    creds = []
    for i in range(3):
        pub, sec = zmq.curve_keypair()
        name = "cq-rogue%d-%d" % (attempt, i)
        c.register(name, "cq-wuxi", key=pub.decode())
        creds.append("%s,%s,%s" % (name, pub.decode(), sec.decode()))
    return subprocess.Popen([sys.executable, __file__, "--attack", c.endpoint, server] + creds,
                            stdout=subprocess.PIPE, text=True)


def setup(name):
    c = Cluster(name)
    c.start_hub()
    nodes = ["cq-wanzhou", "cq-kaizhou"]
    for n in nodes:
        c.start_node(n, n)
    return c, nodes


def main():
    rnd = random.Random(706)
    c, nodes = setup("hostile")
    accepted = []
    drain_time(c, nodes, rnd, accepted)
    attack = start_attack(c, 0)
    try:
        # The attack process prints how many messages it has sent, once a
        # second: wait for proof that the flood is on before measuring
        # nothing against it.
        for _ in range(300):
            line = attack.stdout.readline()
            if not line or int(line) > 0:
                break
        check(line and int(line) > 0, "the attack is on: %s messages sent" % line.strip())
        drain_time(c, nodes, rnd, accepted)
        check(True, "honest nodes' %d entries all arrived during the attack" % (2 * ROWS))
    finally:
        attack.kill()
        out = attack.communicate()[0].split()
    sent = max(int(line), int(out[-1]) if out else 0)
    say("  broke: %d+ hostile messages from 3 insiders and an outsider" % sent)
    check(c.hub.alive(), "the hub is still running")
    drain_time(c, nodes, rnd, accepted)
    check(True, "and the honest nodes' entries after the attack too")
    honest = [i for i in c.ledger_ids() if i.split("/")[0] in nodes]
    compare_ids(accepted, honest)


def measure(rows, tries):
    """The hostile_ratio benchmark: honest nodes' drain time with no attack
    over that under attack. The attack process runs throughout and is
    paused (SIGSTOP) for the drains without attack, which alternate with
    the drains under it, so that both see the same machine (before, the
    two were measured in blocks seconds apart and the ratio wandered with
    the load from elsewhere). A drain includes the nodes' imports, which
    grow slower as their outboxes fill (1.0 s to 2.5 s for 20,000 rows
    after 200,000), so the drains run in the order without, with, with,
    without, twice (ABBA): a steady trend weighs on both sides alike,
    where "the best of each" had favoured the drains without, which came
    first in every pair. `tries` rounds; a round's ratio is its total time
    without over its total time with the attack, and the median round
    counts. Prints one JSON object."""
    rnd = random.Random(706)
    c, nodes = setup("hostile-bench")
    accepted = []
    rounds = []
    attack = start_attack(c, 0)
    line = ""
    try:
        for _ in range(300):
            line = attack.stdout.readline()
            if not line or int(line) > 0:
                break
        if not line or int(line) == 0:
            raise SystemExit("the attack did not start")
        for _ in range(tries):
            base, under, paused = [], [], False
            for attacked in (False, True, True, False) * 2:
                if paused == attacked:
                    os.kill(attack.pid, signal.SIGCONT if attacked else signal.SIGSTOP)
                    paused = not attacked
                    time.sleep(0.2)
                (under if attacked else base).append(
                    drain_time(c, nodes, rnd, accepted, rows, few_persons))
            r = dict(ratio=round(sum(base) / sum(under), 3),
                     normal_s=round(sum(base) / len(base), 3),
                     attacked_s=round(sum(under) / len(under), 3))
            print("  normal %.2f s, under attack %.2f s for %d entries: %.0f%%"
                  % (r["normal_s"], r["attacked_s"], 2 * rows, 100 * r["ratio"]),
                  file=sys.stderr, flush=True)
            rounds.append(r)
    finally:
        attack.kill()
        out = attack.communicate()[0].split()
    if not c.hub.alive():
        raise SystemExit("the hub died under the attack")
    mid = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    result = dict(mid, entries=2 * rows, rounds=rounds,
                  hostile_messages=int(out[-1]) if out else int(line))
    print(json.dumps(result), flush=True)


if len(sys.argv) > 1 and sys.argv[1] == "--attack":
    attack_process(sys.argv[2], sys.argv[3], sys.argv[4:])
elif len(sys.argv) > 1 and sys.argv[1] == "--measure":
    try:
        measure(int(sys.argv[2]), int(sys.argv[3]))
    finally:
        for cl in CLUSTERS:
            cl.cleanup()
else:
    run(main)
