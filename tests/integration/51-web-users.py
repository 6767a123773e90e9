"""luyuctl user at the node: add, list, passwd, disable; the password is
stored only as an Argon2id hash made by luyuctl; bad names, roles, units
of another node and short passwords are refused with a reason; only root
or the node's own user may manage users."""
import json
import os
import shutil
import sqlite3
import subprocess

from luyutest import BIN, Cluster, check, run, say


def user(c, node, *args, pw=None, rc=None):
    argv = [os.path.join(BIN, "luyuctl"), "--node", c.sock(node), "user"] + list(args)
    p = subprocess.run(argv, input=(pw + "\n").encode() if pw is not None else b"",
                       capture_output=True, timeout=120)
    out, err = p.stdout.decode(), p.stderr.decode()
    if rc is not None and p.returncode != rc:
        raise AssertionError("user %s: exit %d, wanted %d: %s %s" % (args, p.returncode, rc,
                                                                      out, err))
    return p.returncode, out, err


def main():
    c = Cluster("webusers")
    c.start_hub()
    n = "cq-wanzhou"
    c.start_node(n, "cq-wanzhou,cq-wuxi")
    rc, out, err = user(c, n, "list", rc=0)
    check("no web users yet" in out, "an empty list says how to add one")
    user(c, n, "add", "wangli", "--role", "clerk", pw="correct horse", rc=0)
    user(c, n, "add", "zhao", "--role", "reviewer", "--units", "cq-wuxi", pw="battery staple",
         rc=0)
    rc, out, err = user(c, n, "list", "--json", rc=0)
    users = {u["name"]: u for u in json.loads(out)}
    check(sorted(users) == ["wangli", "zhao"], "both users listed")
    check(users["zhao"]["units"] == "cq-wuxi" and users["zhao"]["role"] == "reviewer",
          "role and units kept")
    check(users["wangli"]["created_by"] == "root", "created_by is the Unix user")

    db = sqlite3.connect("file:%s?mode=ro" % c.path(n, "outbox.db"), uri=True)
    h = db.execute("SELECT pwhash FROM web_user WHERE name='wangli'").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    check(h.startswith("$argon2id$") and "correct horse" not in h,
          "the password is stored as an Argon2id hash only")
    check(version >= 2, "outbox schema 2 or later (the users table came with 2)")

    say("refusals")
    for args, pw, why in [
            (("add", "wangli", "--role", "clerk"), "another one", "exists already"),
            (("add", "Bad Name", "--role", "clerk"), "long enough", "user name"),
            (("add", "li", "--role", "boss"), "long enough", "role"),
            (("add", "li", "--role", "clerk", "--units", "cq-yuzhong"), "long enough",
             "units of this node only"),
            (("add", "li", "--role", "clerk"), "short", "8 to 256"),
            (("passwd", "nobody"), "long enough", "no user nobody"),
            (("add", "li"), "long enough", "--role")]:
        rc, out, err = user(c, n, *args, pw=pw)
        check(rc == 2 and why in err, "%s refused: %s" % (" ".join(args), err.strip()))

    say("disable and passwd")
    user(c, n, "disable", "zhao", rc=0)
    rc, out, err = user(c, n, "list", rc=0)
    check(any(l.startswith("zhao") and "disabled" in l for l in out.splitlines()),
          "zhao shows disabled")
    user(c, n, "passwd", "zhao", pw="new password", rc=0)
    rc, out, err = user(c, n, "list", "--json", rc=0)
    check(not {u["name"]: u for u in json.loads(out)}["zhao"]["disabled"],
          "passwd enables again")

    say("only root or the node's own user")
    setpriv = shutil.which("setpriv")
    if setpriv and os.getuid() == 0:
        os.chmod(c.dir, 0o755)
        os.chmod(c.path(n), 0o755)
        os.chmod(c.sock(n), 0o666)
        p = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                            os.path.join(BIN, "luyuctl"), "--node", c.sock(n), "user", "list"],
                           capture_output=True, timeout=60)
        check(p.returncode == 2 and "only root or the node's own user" in p.stderr.decode(),
              "another Unix user is refused: " + p.stderr.decode().strip())
    else:
        say("  (not root: the other-user check needs setpriv as root; not run)")
    for d in list(c.daemons):
        check(d.stop() == 0, "%s stopped cleanly" % d.name)


run(main)
