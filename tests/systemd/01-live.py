"""luyu under a real systemd: boots a minimal Debian 12 container with
systemd-nspawn, installs luyu into it the way the README's "Install as a
service" says, and checks what an admin sees.

The tree. `debootstrap --variant=minbase bookworm` with systemd,
systemd-sysv, dbus, luyu's run-time libraries (libzmq5, libprotobuf-c1,
libuv1, libsqlite3-0, libsodium23, libzip4, libexpat1, libxlsxwriter4,
libmicrohttpd12 for the web server and /metrics, libpq5 for a ledger in
PostgreSQL) and
curl (the README reads /metrics with it), from the Debian mirror this
machine's apt already uses (read from /etc/apt/sources.list and
/etc/apt/sources.list.d/). It is cached under the
build directory in systemd-tree/KEY, KEY a hash of the suite, mirror and
package list, so that a changed list builds a new tree; each run boots a
fresh copy of it.

The build. The suite's own build is ASan+UBSan; this test builds its own
plain release build of luyu in BUILD/systemd-release, as the README's first
step does, and installs that (`DESTDIR=root cmake --install`). Reasons: an
admin never runs a sanitizer build, so the units are tested with the
binaries they will run; LeakSanitizer stops the process's threads with
ptrace at exit, which the units' SystemCallFilter= refuses, so the sanitizer
build would fail in the sandbox for reasons of its own; and the tree stays
free of libasan8/libubsan1. The rest of the suite runs the same code under
the sanitizers.

The steps. The README's second code block of that section runs inside the
container line by line (without `sudo`: the test is root there). Then:
READY and the STATUS line; a figure reaching the hub's ledger over CURVE;
a second node, refused until its key is in the registry, linked after
`systemctl reload`, its entry for a unit it may not report for rejected;
`luyuctl status --hub` and /metrics from inside; journald priorities and
`journalctl -u luyu-hub -p warning`; kill -9 and a watchdog timeout
(SIGSTOP) restarting the hub; writes outside the state directory refused
inside the sandbox; a broken key path and an unreadable registry failing
once with one clear line and no restart; a reboot with everything back and
linked; a clean stop.

Commands run inside with `nsenter -t LEADER -a` (the host need not run
systemd, so machinectl and systemd-run -M are not used; the container is
started with --register=no --keep-unit for the same reason, in a cgroup of
its own). The container has its own network (--private-network), so its
ports never meet the host's.

Skipped (exit 77) where the machine cannot run it: not root, no
systemd-nspawn, debootstrap or cmake, or namespaces refused. Deadlines only
catch hangs."""
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from luyutest import BIN, SRC, Failure, check, say  # noqa: E402

SKIP = 77
SUITE = "bookworm"
PACKAGES = ["systemd", "systemd-sysv", "dbus", "libzmq5", "libprotobuf-c1", "libuv1",
            "libsqlite3-0", "libsodium23", "libzip4", "libexpat1", "libxlsxwriter4",
            "libmicrohttpd12", "libpq5", "curl"]
HUB_SOCK = "/var/lib/luyu-hub/control.sock"


def node_sock(node):
    return "/var/lib/luyu-node/%s/control.sock" % node


def sh(argv, timeout=600, **kw):
    p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def skip(why):
    say("SKIP: " + why)
    sys.exit(SKIP)


def wait_for(cond, timeout, what, interval=0.25):
    """cond() returns a true value when done; timeout only catches hangs."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            v = cond()
        except Failure as e:
            v, last = None, e
        if v:
            return v
        time.sleep(interval)
    raise Failure("timed out after %.0fs waiting for %s%s" % (
        timeout, what, " (last: %s)" % last if last else ""))


# ---- the tree -------------------------------------------------------------

def apt_mirror():
    """The URI of the first Debian source for SUITE in this machine's apt
    configuration, in either format (deb822 .sources or one-line .list)."""
    files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*"))
    for path in files:
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        if path.endswith(".sources"):
            for stanza in re.split(r"\n\s*\n", text):
                fields = {}
                for line in stanza.splitlines():
                    m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
                    if m and not line.startswith("#"):
                        fields[m.group(1).lower()] = m.group(2).split()
                if ("deb" in fields.get("types", []) and SUITE in fields.get("suites", [])
                        and "main" in fields.get("components", []) and fields.get("uris")):
                    return fields["uris"][0]
        else:
            for line in text.splitlines():
                words = re.sub(r"\[[^]]*\]", "", line).split()
                if len(words) >= 4 and words[0] == "deb" and words[2] == SUITE and "main" in words[3:]:
                    return words[1]
    return None


def cached_tree(mirror):
    key = hashlib.sha256(json.dumps([SUITE, "minbase", mirror, sorted(PACKAGES)])
                         .encode()).hexdigest()[:16]
    top = os.path.join(BIN, "systemd-tree")
    tree = os.path.join(top, key)
    if os.path.isfile(os.path.join(tree, ".luyu-complete")):
        say("  debootstrap tree cached in %s" % tree)
        return tree
    # Another package list or mirror: its tree is of no further use.
    if os.path.isdir(top):
        for old in os.listdir(top):
            shutil.rmtree(os.path.join(top, old), ignore_errors=True)
    os.makedirs(top, exist_ok=True)
    part = tree + ".part"
    shutil.rmtree(part, ignore_errors=True)
    say("  debootstrap --variant=minbase %s from %s (first run only) ..." % (SUITE, mirror))
    t0 = time.time()
    rc, out, err = sh(["debootstrap", "--variant=minbase", "--include=" + ",".join(PACKAGES),
                       SUITE, part, mirror], timeout=1500)
    if rc != 0:
        raise Failure("debootstrap failed (exit %d):\n%s%s" % (rc, out[-3000:], err[-2000:]))
    open(os.path.join(part, ".luyu-complete"), "w").close()
    os.rename(part, tree)
    say("  debootstrap took %.0f s" % (time.time() - t0))
    return tree


# ---- the README -----------------------------------------------------------

def readme_blocks():
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## Install as a service.*?(?=^## )", text, re.M | re.S)
    if m is None:
        raise Failure("README.md has no \"Install as a service\" section")
    blocks = re.findall(r"```sh\n(.*?)```", m.group(0), re.S)
    if len(blocks) < 2:
        raise Failure("the README's service section lacks its two sh blocks")
    return blocks[0], blocks[1]


def build_release(block):
    """The README's first block, in a build directory of the test's own."""
    check("-DCMAKE_INSTALL_PREFIX=/usr" in block and "cmake --install build" in block,
          "the README builds with prefix /usr and installs with cmake --install")
    rel = os.path.join(BIN, "systemd-release")
    rc, out, err = sh(["cmake", "-S", SRC, "-B", rel, "-DCMAKE_BUILD_TYPE=Release",
                       "-DCMAKE_INSTALL_PREFIX=/usr", "-DBUILD_TESTING=OFF"])
    if rc == 0:
        rc, out, err = sh(["cmake", "--build", rel, "-j2"], timeout=1200)
    if rc != 0:
        raise Failure("release build failed:\n%s%s" % (out[-3000:], err[-3000:]))
    return rel


# ---- the container ----------------------------------------------------------

def own_cgroups(name):
    """New child cgroups of this process's own, in the hierarchies systemd
    uses (cgroup2, and name=systemd on hybrid hosts). With --keep-unit
    nspawn puts the container under its own cgroup: without a cgroup of its
    own, two test runs at once (two build trees) would share one and their
    systemds would manage each other's units."""
    mine = {}
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, key, path = line.rstrip("\n").split(":", 2)
            mine[key] = path
    dirs = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            parts = line.split()
            sep = parts.index("-")
            fstype, root, mnt = parts[sep + 1], parts[3], parts[4]
            if fstype == "cgroup2":
                key = ""
            elif fstype == "cgroup" and "name=systemd" in parts[sep + 3].split(","):
                key = "name=systemd"
            else:
                continue
            if key in mine and root == "/" and mnt.startswith("/sys/fs/cgroup"):
                dirs.append(os.path.join(mnt, mine.pop(key).lstrip("/"), name))
    made = []
    for d in dirs:
        try:
            os.makedirs(d, exist_ok=True)
            made.append(d)
        except OSError as e:
            say("  (no cgroup of its own in %s: %s)" % (os.path.dirname(d), e))
    return made


def remove_cgroups(dirs):
    for top in dirs:
        for path, _, _ in os.walk(top, topdown=False):
            try:
                os.rmdir(path)
            except OSError:
                pass


class Container:
    def __init__(self, root, log):
        self.root, self.logpath = root, log
        self.proc = None
        self.leader = None
        self.name = "luyu-test-%d" % os.getpid()
        self.cgroups = own_cgroups(self.name)
        self.pidfile = os.path.join(os.path.dirname(root), "nspawn.pid")

    def enter_cgroups(self):
        for d in self.cgroups:
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))

    def boot(self):
        self.log = open(self.logpath, "ab")
        self.proc = subprocess.Popen(
            ["systemd-nspawn", "-D", self.root, "-b", "--register=no", "--keep-unit",
             "--private-network", "-M", self.name, "--console=passive"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=self.enter_cgroups)
        self.leader = wait_for(self.find_leader, 60, "the container's init")
        with open(self.pidfile, "w") as f:
            f.write("%d %d\n" % (self.proc.pid, self.leader))
        state = wait_for(self.booted, 180, "the container's boot")
        say("  container booted (init is host pid %d, system %s)" % (self.leader, state))

    def find_leader(self):
        if self.proc.poll() is not None:
            raise Failure("systemd-nspawn exited with %d:\n%s" % (self.proc.returncode,
                                                                  self.console()))
        for pid in self.descendants(self.proc.pid):
            try:
                with open("/proc/%d/status" % pid) as f:
                    ns = [l.split()[1:] for l in f if l.startswith("NSpid:")]
            except OSError:
                continue
            if ns and len(ns[0]) == 2 and ns[0][1] == "1":
                return pid
        return None

    @staticmethod
    def descendants(pid):
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            try:
                with open("/proc/%d/task/%d/children" % (p, p)) as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                kids = []
            out += kids
            todo += kids
        return out

    def booted(self):
        rc, out, err = self.run("systemctl is-system-running", check_rc=False, timeout=30)
        state = out.strip()
        return state if state in ("running", "degraded") else None

    def console(self):
        try:
            with open(self.logpath, "rb") as f:
                return f.read()[-3000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def run(self, cmd, check_rc=True, timeout=120):
        """cmd through /bin/sh inside the container, as root."""
        rc, out, err = sh(["nsenter", "-t", str(self.leader), "-a", "/usr/bin/env", "-i",
                           "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
                           "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0", "/bin/sh", "-c", cmd],
                          timeout=timeout)
        if check_rc and rc != 0:
            raise Failure("inside: `%s` exit %d:\n%s%s" % (cmd, rc, out[-2000:], err[-2000:]))
        return rc, out, err

    def out(self, cmd, **kw):
        return self.run(cmd, **kw)[1]

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure("systemd-nspawn still running %ds after shutdown" % timeout)

    def kill(self):
        """After a failure: SIGKILL to the container's init takes its whole
        PID namespace along (killing nspawn alone would orphan it)."""
        if self.proc and self.proc.poll() is None:
            kill_container(self.proc.pid, self.leader, self.root)
            self.proc.wait(timeout=60)
        deadline = time.time() + 30
        while any(os.path.isdir(d) for d in self.cgroups) and time.time() < deadline:
            remove_cgroups(self.cgroups)
            time.sleep(0.2)


def kill_container(nspawn, leader, root):
    """Kills leader only if it is still the init of a container on root."""
    try:
        with open("/proc/%d/status" % leader) as f:
            ns = [l.split()[1:] for l in f if l.startswith("NSpid:")]
        with open("/proc/%d/mountinfo" % leader) as f:
            ours = any(l.split()[4] == "/" and l.split()[3].startswith(root) for l in f)
        if ns and ns[0][-1] == "1" and ours:
            os.kill(leader, signal.SIGKILL)
    except (OSError, IndexError):
        pass
    if nspawn is None:
        return
    try:
        os.killpg(nspawn, signal.SIGKILL)
    except OSError:
        pass


def kill_leftover(work):
    """A container this test booted in an earlier run that was itself
    killed (ctest's timeout), recorded in work/nspawn.pid."""
    try:
        with open(os.path.join(work, "nspawn.pid")) as f:
            nspawn, leader = (int(w) for w in f.read().split())
    except (OSError, ValueError):
        return
    root = os.path.join(work, "root")
    try:
        with open("/proc/%d/cmdline" % nspawn, "rb") as f:
            argv = f.read().split(b"\0")
        if not (argv[0].endswith(b"systemd-nspawn") and root.encode() in argv):
            nspawn = None
    except OSError:
        nspawn = None
    kill_container(nspawn, leader, root)


def prop(c, unit, name):
    return c.out("systemctl show -P %s %s" % (name, unit)).strip()


def wait_active(c, unit, what=None, timeout=60, not_pid=None):
    """Active and running: for Type=notify that means READY=1 arrived."""
    def up():
        if prop(c, unit, "ActiveState") != "active" or prop(c, unit, "SubState") != "running":
            return None
        pid = int(prop(c, unit, "MainPID"))
        return pid if pid and pid != not_pid else None
    return wait_for(up, timeout, what or unit + " active (running)")


def hub_status(c):
    return json.loads(c.out("luyuctl status --hub %s --json" % HUB_SOCK))


def node_status(c, node):
    return json.loads(c.out("luyuctl --node %s status --json" % node_sock(node)))


def linked(c, node):
    try:
        return node_status(c, node)["link_up"]
    except (Failure, ValueError, KeyError):
        return False


def submit(c, node, unit, amount, period="2019-07"):
    out = c.out("luyuctl --node %s submit --unit %s --indicator agri_sales_to_sd "
                "--period %s --amount %s --note systemd-test" % (node_sock(node), unit, period,
                                                                  amount)).strip()
    check(re.fullmatch(r"%s/\d+" % re.escape(node), out) is not None,
          "luyuctl submit at %s -> %s" % (node, out))
    return out


def ledger_rows(c):
    return set(c.out("luyuctl ledger --state-dir /var/lib/luyu-hub --format csv")
               .strip().splitlines()[1:])


def journal(c, unit, extra=""):
    """The unit's messages of this boot as JSON records."""
    text = c.out("journalctl -b -u %s -o json --no-pager %s" % (unit, extra))
    return [json.loads(l) for l in text.splitlines() if l.strip()]


def messages(records, **match):
    return [r.get("MESSAGE", "") for r in records
            if all(r.get(k) == v for k, v in match.items())]


# ---- the checks -------------------------------------------------------------

def readme_steps(c, block):
    steps = block.replace("\\\n", " ")
    lines = [l.strip() for l in steps.splitlines()]
    lines = [re.sub(r"(^|\|\s*)sudo\s+", r"\1", l) for l in lines if l and not l.startswith("#")]
    for line in lines:
        c.run(line)
    check(True, "the README's %d service steps ran inside the container" % len(lines))


def check_ready(c):
    for unit in ("luyu-hub", "luyu-node@cq-wanzhou"):
        wait_active(c, unit)
        check(prop(c, unit, "UnitFileState") == "enabled", unit + " is enabled")
    text = c.out("systemctl status --no-pager luyu-hub luyu-node@cq-wanzhou", check_rc=False)
    check(re.search(r'Status: "\d+/\d+ nodes up, ', text) is not None and
          re.search(r'Status: "link (up|down), \d+ pending', text) is not None,
          "systemctl status shows both STATUS lines")
    wait_for(lambda: linked(c, "cq-wanzhou"), 60, "cq-wanzhou linked to the hub")
    wait_for(lambda: ledger_rows(c) >= {"cq-wanzhou,agri_sales_to_sd,2019-07,1250000.50"}, 60,
             "the README's figure in the hub's ledger")
    check(True, "the README's figure reached the hub's ledger over CurveZMQ")
    check(all(prop(c, u, "NRestarts") == "0" for u in ("luyu-hub", "luyu-node@cq-wanzhou")),
          "neither daemon died after READY (no restart so far)")


def second_node(c):
    """Started before its key is registered: refused; registered and
    reloaded: linked. It may report for cq-wuxi only."""
    c.run("luyuctl keygen --out /etc/luyu/keys/cq-wuxi >/dev/null && "
          "chown luyu:luyu /etc/luyu/keys/cq-wuxi.key /etc/luyu/keys/cq-wuxi.pub && "
          "sed -e 's/cq-wanzhou/cq-wuxi/g' -e 's/^units = .*/units = cq-wuxi, cq-kaizhou/' "
          "/usr/share/luyu/examples/node.ini > /etc/luyu/node-cq-wuxi.ini && "
          "chown root:luyu /etc/luyu/node-cq-wuxi.ini && chmod 0640 /etc/luyu/node-cq-wuxi.ini")
    c.run("systemctl enable --now luyu-node@cq-wuxi")
    wait_active(c, "luyu-node@cq-wuxi")
    wait_for(lambda: any("unknown key" in m for m in messages(journal(c, "luyu-hub"))), 60,
             "the hub refusing the unregistered key")
    check(not linked(c, "cq-wuxi"), "an unregistered node is refused by the hub")
    hub_pid = int(prop(c, "luyu-hub", "MainPID"))
    c.run("printf '\\n[node cq-wuxi]\\nkey = %s\\nunits = cq-wuxi\\n' "
          "\"$(cat /etc/luyu/keys/cq-wuxi.pub)\" >> /etc/luyu/registry.ini")
    c.run("systemctl reload luyu-hub")
    check(int(prop(c, "luyu-hub", "MainPID")) == hub_pid and
          any("reloaded, 2 keys" in m for m in messages(journal(c, "luyu-hub"))),
          "systemctl reload: the hub rereads its registry in the same process")
    wait_for(lambda: linked(c, "cq-wuxi"), 90, "cq-wuxi linked after the reload")
    check(linked(c, "cq-wanzhou"), "the reload dropped no link")
    submit(c, "cq-wuxi", "cq-wuxi", "300")
    submit(c, "cq-wuxi", "cq-kaizhou", "400")
    wait_for(lambda: node_status(c, "cq-wuxi")["rejected"] == 1 and
             node_status(c, "cq-wuxi")["acknowledged"] >= 1, 60, "cq-wuxi's ack and reject")
    check("cq-wuxi,agri_sales_to_sd,2019-07,300.00" in ledger_rows(c),
          "the second node's entry is in the ledger, the unregistered unit's is not")
    wait_for(lambda: 'Status: "2/2 nodes up' in c.out("systemctl status --no-pager luyu-hub",
                                                     check_rc=False),
             60, "the hub's STATUS line counting both nodes")
    check(True, "systemctl status luyu-hub: STATUS says 2/2 nodes up")
    node_pid = int(prop(c, "luyu-node@cq-wuxi", "MainPID"))
    c.run("systemctl reload luyu-node@cq-wuxi")
    check(int(prop(c, "luyu-node@cq-wuxi", "MainPID")) == node_pid and
          any("SIGHUP: reloaded" in m for m in messages(journal(c, "luyu-node@cq-wuxi"))) and
          prop(c, "luyu-node@cq-wuxi", "ActiveState") == "active",
          "systemctl reload luyu-node@cq-wuxi: same process, reloaded, active")


def check_observability(c):
    st = hub_status(c)
    nodes = {n["node_id"]: n for n in st["nodes"]}
    check(nodes.get("cq-wanzhou", {}).get("connected") and nodes.get("cq-wuxi", {}).get("connected")
          and st["entries_committed"] >= 2 and st["entries_rejected"] == 1,
          "luyuctl status --hub: both nodes connected, %d committed, 1 rejected"
          % st["entries_committed"])
    metrics = c.out("curl -sf http://127.0.0.1:9101/metrics")
    m = re.search(r'^luyu_hub_entries_total\{outcome="committed"\} (\d+)$', metrics, re.M)
    check(m and int(m.group(1)) == st["entries_committed"] and
          re.search(r"^luyu_hub_nodes_connected 2$", metrics, re.M),
          "curl /metrics: committed entries and 2 nodes connected, as luyuctl says")
    records = journal(c, "luyu-hub")
    mine = [r for r in records if r.get("SYSLOG_IDENTIFIER") == "luyu-hub"]
    prios = {}
    for r in mine:
        prios.setdefault(r.get("PRIORITY"), []).append(r.get("MESSAGE", ""))
    check(any("hub cq-hub up" in m for m in prios.get("5", [])) and
          any("unknown key" in m for m in prios.get("4", [])) and
          any("rejected entry cq-wuxi/" in m for m in prios.get("4", [])) and
          not any(re.match(r"<\d>", r.get("MESSAGE", "")) for r in mine),
          "journald: notices at priority 5, warnings at 4, no <N> prefix left in messages")
    text = c.out("journalctl -b -u luyu-hub -p warning --no-pager -o cat")
    check("unknown key" in text and "rejected entry cq-wuxi/" in text and "up: listening" not in text,
          "journalctl -u luyu-hub -p warning shows the warnings and not the notices")
    text = c.out("journalctl -b -u luyu-node@cq-wuxi -p warning --no-pager -o cat")
    check("hub rejected cq-wuxi/2" in text and " up: units " not in text,
          "journalctl -u luyu-node@cq-wuxi -p warning shows the hub's reject")


def check_kill9(c):
    pid = int(prop(c, "luyu-hub", "MainPID"))
    n0 = int(prop(c, "luyu-hub", "NRestarts"))
    c.run("kill -9 %d" % pid)
    new = wait_active(c, "luyu-hub", "the hub restarted after kill -9", not_pid=pid)
    check(int(prop(c, "luyu-hub", "NRestarts")) == n0 + 1,
          "kill -9: Restart=on-failure started the hub again (pid %d -> %d)" % (pid, new))
    wait_for(lambda: linked(c, "cq-wanzhou") and linked(c, "cq-wuxi"), 90,
             "both links back after the hub's restart")
    submit(c, "cq-wanzhou", "cq-wanzhou", "77")
    wait_for(lambda: "cq-wanzhou,agri_sales_to_sd,2019-07,1250077.50" in ledger_rows(c), 60,
             "an entry after the restart in the ledger (the month's sum)")
    check(True, "links back and entries flowing after kill -9")


def check_watchdog(c):
    """The unit's own WatchdogSec=30s: a frozen hub is killed (SIGABRT, then
    SIGCONT) after it and started again."""
    pid = int(prop(c, "luyu-hub", "MainPID"))
    check(prop(c, "luyu-hub", "WatchdogUSec") == "30s", "the hub runs with WatchdogSec=30s")
    n0 = int(prop(c, "luyu-hub", "NRestarts"))
    c.run("kill -STOP %d" % pid)
    new = wait_active(c, "luyu-hub", "the watchdog restarting the stopped hub", timeout=180,
                      not_pid=pid)
    msgs = messages(journal(c, "luyu-hub"))
    check(any("Watchdog timeout" in m for m in msgs) and
          int(prop(c, "luyu-hub", "NRestarts")) == n0 + 1,
          "SIGSTOP: the watchdog killed the hub and it restarted (pid %d -> %d)" % (pid, new))
    wait_for(lambda: linked(c, "cq-wanzhou") and linked(c, "cq-wuxi"), 90,
             "both links back after the watchdog restart")


def check_sandbox(c):
    """Writes from inside each daemon's mount namespace. As the daemon's
    user, its state directory takes them. Everywhere else the file system
    is read-only there (ProtectSystem=strict, ProtectHome=yes), so even
    root, entering the namespace with every capability, is refused."""
    uid = c.out("id -u luyu").strip()
    gid = c.out("id -g luyu").strip()
    units = (("luyu-hub", "/var/lib/luyu-hub", "/var/lib/luyu-node/cq-wanzhou"),
             ("luyu-node@cq-wanzhou", "/var/lib/luyu-node/cq-wanzhou", "/var/lib/luyu-hub"))
    for unit, state, other in units:
        pid = int(prop(c, unit, "MainPID"))
        rc, out, err = c.run("nsenter -t %d -m -S %s -G %s sh -c 'echo x > %s/sandbox-probe'"
                             % (pid, uid, gid, state), check_rc=False)
        check(rc == 0, "%s's sandbox lets it write %s (%s)" % (unit, state, err.strip() or "ok"))
        c.run("rm %s/sandbox-probe" % state)
        refused = []
        for path in ("/etc/luyu/probe", "/etc/luyu/keys/probe", "/usr/probe",
                     "/var/lib/probe", other + "/probe", "/root/probe", "/home/probe"):
            rc, out, err = c.run("nsenter -t %d -m sh -c 'echo x > %s'" % (pid, path),
                                 check_rc=False)
            if rc == 0 or "Read-only file system" not in err:
                raise Failure("%s's sandbox let root write %s: exit %d %s"
                              % (unit, path, rc, err.strip()))
            refused.append(path)
        check(True, "%s's sandbox: read-only for everyone at %s" % (unit, ", ".join(refused)))
    c.run("test ! -e /etc/luyu/probe && test ! -e /usr/probe && test ! -e /var/lib/probe")


def failed_once(c, unit, needle):
    """The unit gave up after one start: status 78, no restart scheduled."""
    check(prop(c, unit, "ActiveState") == "failed" and prop(c, unit, "Result") == "exit-code"
          and prop(c, unit, "ExecMainStatus") == "78" and prop(c, unit, "NRestarts") == "0",
          "%s: failed with exit status 78, not restarted" % unit)
    # The failed process's lines; journald takes them from its stream a
    # moment after systemctl returns, so wait for them to arrive.
    pid = prop(c, unit, "ExecMainPID")

    def lines():
        recs = [r for r in journal(c, unit, "_PID=%s" % pid)
                if r.get("SYSLOG_IDENTIFIER") in ("luyu-hub", "luyu-node")]
        return recs or None
    records = wait_for(lines, 30, "%s's error line in the journal" % unit)
    time.sleep(1)  # not an assertion: lets a second line, if any, arrive too
    records = lines()
    mine = [r.get("MESSAGE", "") for r in records]
    check(len(mine) == 1 and needle in mine[0] and records[0].get("PRIORITY") == "3",
          "%s logged one error line (priority 3): %s" % (unit, mine))
    text = c.out("systemctl status --no-pager %s" % unit, check_rc=False)
    check("status=78/CONFIG" in text and needle in text and "core-dump" not in text,
          "systemctl status %s shows status=78/CONFIG and the reason" % unit)


def check_broken_config(c):
    c.run("sed -e 's/cq-wanzhou/cq-kaizhou/g' /usr/share/luyu/examples/node.ini "
          "> /etc/luyu/node-cq-kaizhou.ini")
    rc, out, err = c.run("systemctl start luyu-node@cq-kaizhou", check_rc=False)
    check(rc != 0, "systemctl start of a node without its key file fails")
    failed_once(c, "luyu-node@cq-kaizhou", "/etc/luyu/keys/cq-kaizhou.key")
    c.run("systemctl reset-failed luyu-node@cq-kaizhou; rm /etc/luyu/node-cq-kaizhou.ini")

    c.run("chown root:root /etc/luyu/registry.ini && chmod 0600 /etc/luyu/registry.ini")
    rc, out, err = c.run("systemctl restart luyu-hub", check_rc=False)
    check(rc != 0, "systemctl restart of the hub with an unreadable registry fails")
    failed_once(c, "luyu-hub", "/etc/luyu/registry.ini")
    c.run("chown root:luyu /etc/luyu/registry.ini && chmod 0640 /etc/luyu/registry.ini && "
          "systemctl start luyu-hub")
    wait_active(c, "luyu-hub")
    wait_for(lambda: linked(c, "cq-wanzhou") and linked(c, "cq-wuxi"), 90,
             "both links back once the registry is readable")
    check(True, "with the registry readable again, systemctl start brings the hub back")


def check_reboot(c):
    before = ledger_rows(c)
    c.run("systemctl reboot", check_rc=False)
    rc = c.wait_exit(180)
    check(rc == 133, "systemctl reboot: the container went down for a reboot (nspawn exit %d)" % rc)
    c.boot()
    for unit in ("luyu-hub", "luyu-node@cq-wanzhou", "luyu-node@cq-wuxi"):
        wait_active(c, unit, unit + " back after the reboot")
    wait_for(lambda: linked(c, "cq-wanzhou") and linked(c, "cq-wuxi"), 90,
             "both links up after the reboot")
    check(ledger_rows(c) == before, "after the reboot: hub and both nodes up, linked, "
          "the ledger as before (%d rows)" % len(before))
    submit(c, "cq-wanzhou", "cq-wanzhou", "1")
    wait_for(lambda: "cq-wanzhou,agri_sales_to_sd,2019-07,1250078.50" in ledger_rows(c), 60,
             "an entry after the reboot in the ledger")


def check_stop(c):
    units = ("luyu-node@cq-wanzhou", "luyu-node@cq-wuxi", "luyu-hub")
    c.run("systemctl stop " + " ".join(units), timeout=200)
    for unit in units:
        check(prop(c, unit, "ActiveState") == "inactive" and prop(c, unit, "Result") == "success"
              and prop(c, unit, "ExecMainStatus") == "0",
              "systemctl stop %s: inactive, exit 0" % unit)
        msgs = messages(journal(c, unit))
        check(msgs and msgs[-1].startswith("Stopped ") and
              any(m.endswith(": stopped") for m in msgs),
              "%s said it stopped" % unit)
    c.run("systemctl poweroff", check_rc=False)
    rc = c.wait_exit(120)
    check(rc == 0, "the container powered off cleanly")


def main():
    # ctest's timeout: unwind, so that the container is killed too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("SIGTERM"))
    if os.geteuid() != 0:
        skip("not root (systemd-nspawn and debootstrap need root)")
    for tool in ("systemd-nspawn", "debootstrap", "nsenter", "cmake"):
        if shutil.which(tool) is None:
            skip("%s is not installed (scripts/deps installs it)" % tool)
    rc, out, err = sh(["unshare", "--user", "--mount", "--pid", "--net", "--uts", "--ipc",
                       "--fork", "true"], timeout=60)
    if rc != 0:
        skip("this machine refuses namespaces: " + err.strip())
    mirror = apt_mirror()
    if mirror is None:
        skip("no Debian %s source in /etc/apt/sources.list{,.d}" % SUITE)
    host_block, steps = readme_blocks()

    t0 = time.time()
    tree = cached_tree(mirror)
    rel = build_release(host_block)
    work = os.path.join(BIN, "systemd-run")
    kill_leftover(work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    root = os.path.join(work, "root")
    rc, out, err = sh(["cp", "-a", "--reflink=auto", tree, root])
    check(rc == 0, "a fresh copy of the tree (%s)" % (err.strip() or "ok"))
    env = dict(os.environ, DESTDIR=root)
    rc, out, err = sh(["cmake", "--install", rel], env=env)
    check(rc == 0, "DESTDIR=... cmake --install (%s)" % (err.strip()[-500:] or "ok"))
    say("  tree and release build ready after %.0f s" % (time.time() - t0))

    c = Container(root, os.path.join(work, "console.log"))
    try:
        c.boot()
        readme_steps(c, steps)
        check_ready(c)
        second_node(c)
        check_observability(c)
        check_kill9(c)
        check_watchdog(c)
        check_sandbox(c)
        check_broken_config(c)
        check_reboot(c)
        check_stop(c)
    except BaseException:
        if c.proc and c.proc.poll() is None and c.leader:
            for cmd in ("systemctl --no-pager status 'luyu-*'",
                        "journalctl -b --no-pager -n 80 -o short-precise"):
                try:
                    say("---- inside: %s ----\n%s" % (cmd, "".join(c.run(cmd, check_rc=False)[1:])))
                except Exception as e:  # noqa: BLE001 (diagnostics only)
                    say("(%s: %s)" % (cmd, e))
        say("---- container console (last lines) ----\n" + c.console())
        raise
    finally:
        c.kill()
    if not os.environ.get("LUYU_KEEP_TMP"):
        shutil.rmtree(work, ignore_errors=True)
    say("  whole test: %.0f s" % (time.time() - t0))


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        say("FAIL 01-live.py: %s" % e)
        sys.exit(1)
    say("PASS 01-live.py")
