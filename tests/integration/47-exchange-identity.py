"""The hub-to-hub door of the intake takes only what a peer hub's key may
send (issue 11, review of the exchange path).

On the hub's node socket, raw CURVE clients: a registered node's key
pushing a bulletin is answered "only peer hubs push bulletins" (and,
unlike before, does not commit the group of batches read with it); a peer
hub's key saying Hello or sending a batch is refused and writes nothing;
a peer hub's push that does not verify is refused with the reason. The
ledger and the bulletin store are compared exactly before and after."""
import zmq

from luyutest import Cluster, _field, check, free_port, pb_batch, pb_entry, pb_hello, run, say
from rawpeer import acked, ask, connect, error_of, keypair, ledger_rows, welcome_hwm

N, IND, PERIOD = "cq-wanzhou", "cadres_to_sd", 201903


def push(province="SD", period=201907, revision=1, signed=b"\x01\x02"):
    return _field(8, 2, _field(1, 2, province.encode()) + _field(2, 0, period)
                  + _field(3, 0, revision) + _field(4, 2, signed))


def bulletin_ack(ans):
    if ans is None or ans[0] != "bulletin_ack":
        return None
    f = ans[1]
    return bool(f.get(4, [0])[0]), f.get(5, [b""])[0].decode("utf-8")


def stored_bulletins(c):
    db = c.ledger_db()
    try:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'bulletin%'")]
        return {n: db.execute("SELECT count(*) FROM %s" % n).fetchone()[0] for n in names}
    finally:
        db.close()


def main():
    c = Cluster("exchange-identity")
    node_pub, node_sec = keypair()
    hub_pub, hub_sec = keypair()
    c.register(N, N, key=node_pub)
    c.peer_hubs["sd-hub"] = (hub_pub, "SD")
    c.write_registry()
    # The hub exchanges bulletins with sd-hub (which is not running): its
    # keys as an admin would have copied them over.
    c.keygen(c.hub_id)
    c.ctl("keygen", "--sign", "--out", c.path("keys", c.hub_id), check_rc=0)
    c.ctl("keygen", "--sign", "--out", c.path("keys", "sd-hub"), check_rc=0)
    with open(c.path("keys", "sd-hub.pub"), "w") as f:
        f.write(hub_pub + "\n")
    c.start_hub(["--sign-key", c.path("keys", c.hub_id + ".sign.key"), "--no-auto-issue",
                 "--peer", "tcp://127.0.0.1:%d" % free_port(), "--peer-id", "sd-hub",
                 "--peer-province", "SD", "--peer-key", c.path("keys", "sd-hub.pub"),
                 "--peer-sign-key", c.path("keys", "sd-hub.sign.pub")])
    ctx = zmq.Context()

    node = connect(c, ctx, node_pub, node_sec)
    check(welcome_hwm(ask(node, pb_hello(N))) == 0, "the node's key: welcome")
    check(acked(ask(node, pb_batch([pb_entry(1, N, IND, PERIOD, 5)]))) == (1, {}),
          "the node's seq 1 acked")
    before, bulletins = ledger_rows(c), stored_bulletins(c)

    say("a node's key pushes a bulletin")
    a = bulletin_ack(ask(node, push()))
    check(a == (False, "only peer hubs push bulletins"), "refused: %s" % (a,))

    say("a peer hub's key speaks as a node")
    peer = connect(c, ctx, hub_pub, hub_sec)
    ans = ask(peer, pb_hello("sd-hub"))
    check(error_of(ans).startswith("REFUSED"), "its hello: " + error_of(ans))
    ans = ask(peer, pb_batch([pb_entry(2, N, IND, PERIOD, 999)]))
    check(error_of(ans).startswith("NEED_HELLO") or error_of(ans).startswith("REFUSED"),
          "its batch: " + error_of(ans))
    a = bulletin_ack(ask(peer, push(signed=b"not a signed bulletin")))
    check(a is not None and a[0] is False and "signed bulletin" in a[1],
          "its push of a bulletin that does not verify is refused: %s" % (a,))

    check(ledger_rows(c) == before, "ledger unchanged")
    check(stored_bulletins(c) == bulletins, "bulletin store unchanged: %s" % bulletins)
    check(acked(ask(node, pb_batch([pb_entry(2, N, IND, PERIOD, 6)]))) == (2, {}),
          "the node's seq 2 is still its own to send")
    check(ledger_rows(c) == before + [(N, 2, N, 6, "")], "ledger: exactly the node's entries")
    node.close()
    peer.close()
    ctx.term()


run(main)
