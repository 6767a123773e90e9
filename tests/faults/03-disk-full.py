"""Disk full: a node's and then a hub's state directory on a small tmpfs
made by the test. Intake refuses new entries with a clear error while the
daemon stays up, nothing already accepted is lost or corrupted, and both
recover by themselves when space returns. Needs root (mount); skipped
otherwise."""
import os
import random
import subprocess
import time

from luyutest import (Cluster, check, compare_ids, import_rows, run, sample_rows, say,
                      skip, wait_until)


def mount_small(path, size):
    os.makedirs(path, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                          capture_output=True).returncode == 0


def fill(path):
    """Fills the filesystem at path, returns the filler's name. Unbuffered:
    a buffered file keeps the part of the last write that did not fit and
    fails again when closed, or not, depending on how full the disk was."""
    filler = os.path.join(path, "filler")
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


def main():
    rnd = random.Random(703)
    c = Cluster("diskfull")
    if os.geteuid() != 0 or not mount_small(c.path("cq-wanzhou"), "4m"):
        skip("cannot mount a tmpfs here (needs root)")
    mounts = [c.path("cq-wanzhou")]
    try:
        c.start_hub()
        n = "cq-wanzhou"
        c.start_node(n, n)
        rc, accepted = import_rows(c, n, sample_rows(n, 300, rnd))
        check(rc == 0, "node accepts 300 entries with space left")
        wait_until(lambda: c.drained(n), 30, "drain")
        filler = fill(c.path(n))
        say("  broke: filled the node's state dir")
        rc, out, err = c.ctl("import", _csv(c, n, rnd, 2000), "--confirm", node=n)
        check(rc == 1 and "disk full" in err, "import refused with a clear error: " +
              err.strip().splitlines()[-1])
        check(c.nodes[n].alive(), "the node stays up")
        st = c.status(n)
        check(st["last_seq"] == 300 and st["pending"] == 0, "nothing accepted was lost")
        os.unlink(filler)
        rc, ids = import_rows(c, n, sample_rows(n, 2000, rnd))
        check(rc == 0, "space is back: the same import is accepted, no restart needed")
        accepted += ids
        wait_until(lambda: c.drained(n), 30, "drain")

        say("  broke: the hub's state dir on a full disk")
        c.hub.stop()
        hubdir = c.path("hub")
        os.rename(hubdir, c.path("hub-old"))
        check(mount_small(hubdir, "8m"), "mounted a small hub state dir")
        mounts.append(hubdir)
        for f in os.listdir(c.path("hub-old")):
            if f != "control.sock":
                subprocess.run(["cp", "-a", os.path.join(c.path("hub-old"), f), hubdir],
                               check=True)
        c.start_hub()
        filler = fill(hubdir)
        rc, ids = import_rows(c, n, sample_rows(n, 3000, rnd))
        check(rc == 0, "the node accepts while the hub cannot commit")
        accepted += ids
        wait_until(lambda: "cannot commit" in c.nodes[n].new_log() or
                   "busy" in c.nodes[n].new_log(), 20, "the node to hear the hub is busy")
        check(c.hub.alive(), "the hub stays up with a full disk")
        check(c.status(n)["pending"] > 0, "entries wait at the node")
        os.unlink(filler)
        wait_until(lambda: c.drained(n), 60, "drain once the hub has space")
        compare_ids(accepted, c.ledger_ids())
        db = c.ledger_db()
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        check(verdict == "ok", "the ledger passes integrity_check")
    finally:
        for d in c.daemons:
            d.kill9()
        for m in reversed(mounts):
            subprocess.run(["umount", "-l", m], capture_output=True)


def _csv(c, n, rnd, count):
    from luyutest import write_csv
    path = c.path("big-%d.csv" % rnd.randrange(1 << 30))
    write_csv(path, sample_rows(n, count, rnd))
    return path


run(main)
