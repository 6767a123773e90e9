"""PostgreSQL for the tests: a primary, and on request a streaming standby
that the primary waits for (synchronous_standby_names), each in a temporary
directory on a free loopback port, torn down at exit.

PostgreSQL refuses to run as root, and CI runs as root: then the servers
run as the unprivileged user `nobody` (setpriv), in directories handed to
it. Without the server binaries (Debian's postgresql package) a test calls
luyutest.skip: reported skipped (exit 77), never passed.
"""
import atexit
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time

import luyutest as lt


def bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def require():
    """Skips the test when PostgreSQL cannot be started here."""
    if bindir() is None or shutil.which("psql") is None:
        lt.skip("no PostgreSQL server binaries (apt-get install postgresql)")
    if os.getuid() == 0 and shutil.which("setpriv") is None:
        lt.skip("running as root without setpriv to drop to nobody")


def _as_user(argv):
    if os.getuid() != 0:
        return argv
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + argv


class Server:
    """One postgres process: a primary, or a standby of one."""

    def __init__(self, name, root):
        self.name = name
        self.dir = os.path.join(root, name)
        self.port = lt.free_port()
        self.proc = None
        self.log = os.path.join(root, name + ".log")

    def run(self, argv, **kw):
        return subprocess.run(_as_user(argv), capture_output=True, timeout=120,
                              stdin=subprocess.DEVNULL, **kw)

    def start(self):
        logf = open(self.log, "ab")
        # Our own process (not pg_ctl's daemon), so that SIGKILL and
        # SIGSTOP reach the postmaster itself.
        self.proc = subprocess.Popen(
            _as_user([os.path.join(bindir(), "postgres"), "-D", self.dir,
                      "-p", str(self.port), "-k", self.dir,
                      "-c", "listen_addresses=127.0.0.1"]),
            stdout=logf, stderr=logf, stdin=subprocess.DEVNULL)
        logf.close()
        lt.wait_until(lambda: self.sql("SELECT 1", db="postgres", check=False) == "1" or not self.alive(),
                      60, "postgres %s up" % self.name)
        if not self.alive():
            raise lt.Failure("postgres %s did not start:\n%s" % (self.name, open(self.log).read()))
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def url(self, db="luyu"):
        return "postgresql://luyu@127.0.0.1:%d/%s" % (self.port, db)

    def sql(self, query, db="luyu", check=True):
        """Runs query with psql; returns its output (unaligned, tab
        separated, no headers), stripped."""
        p = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-d", self.url(db), "-c", query],
                           capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            if check:
                raise lt.Failure("psql on %s: %s\n%s" % (self.name, query,
                                                         p.stderr.decode()))
            return None
        # Only the line ends: a last row whose last column is empty ends
        # in a tab that strip() would take with it.
        return p.stdout.decode().rstrip("\n")


class PgCluster:
    """A primary and, with standby=True, a synchronous streaming standby."""

    def __init__(self, standby=False):
        require()
        self.root = tempfile.mkdtemp(prefix="luyu-pg-")
        os.chmod(self.root, 0o755)
        if os.getuid() == 0:
            shutil.chown(self.root, "nobody", "nogroup")
        self.primary = Server("primary", self.root)
        self.standby = None
        self.servers = [self.primary]
        atexit.register(self.cleanup)
        self._initdb(self.primary)
        self.primary.start()
        self.primary.sql("CREATE DATABASE luyu", db="postgres")
        if standby:
            self.add_standby()

    def _initdb(self, s):
        p = s.run([os.path.join(bindir(), "initdb"), "-D", s.dir, "-U", "luyu",
                   "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        if p.returncode != 0:
            raise lt.Failure("initdb: " + p.stderr.decode())
        with open(os.path.join(s.dir, "postgresql.conf"), "a") as f:
            f.write("\n# the test's settings\nwal_level = replica\n"
                    "max_wal_senders = 5\nfsync = on\nshared_buffers = 64MB\n"
                    "hot_standby = on\nwal_keep_size = 256MB\n")
        with open(os.path.join(s.dir, "pg_hba.conf"), "a") as f:
            f.write("host replication luyu 127.0.0.1/32 trust\n")

    def add_standby(self):
        """A standby streaming from the primary, which then waits for it
        at every commit (pg_stat_replication says sync)."""
        s = Server("standby", self.root)
        p = s.run([os.path.join(bindir(), "pg_basebackup"), "-D", s.dir, "-h", "127.0.0.1",
                   "-p", str(self.primary.port), "-U", "luyu", "-R", "-X", "stream",
                   # A fast checkpoint: the default spread one makes the
                   # copy wait most of a checkpoint interval.
                   "-c", "fast", "--no-sync"])
        if p.returncode != 0:
            raise lt.Failure("pg_basebackup: " + p.stderr.decode())
        with open(os.path.join(s.dir, "postgresql.auto.conf"), "a") as f:
            f.write("primary_conninfo = 'host=127.0.0.1 port=%d user=luyu "
                    "application_name=standby'\n" % self.primary.port)
        s.start()
        self.standby = s
        self.servers.append(s)
        self.primary.sql("ALTER SYSTEM SET synchronous_standby_names = 'standby'")
        self.primary.sql("SELECT pg_reload_conf()")
        lt.wait_until(lambda: self.primary.sql(
            "SELECT sync_state FROM pg_stat_replication") == "sync", 60,
            "the standby to be synchronous")
        return s

    def url(self):
        """What a hub is given: every server, the writable one wins."""
        hosts = ",".join("127.0.0.1:%d" % s.port for s in self.servers)
        return "postgresql://luyu@%s/luyu?target_session_attrs=read-write" % hosts

    def writable(self):
        for s in self.servers:
            if s.alive() and s.sql("SELECT pg_is_in_recovery()", check=False) == "f":
                return s
        raise lt.Failure("no writable PostgreSQL server")

    def promote(self):
        """Kills the primary and promotes the standby (what an operator
        or a cluster manager does when the primary's machine is lost)."""
        self.primary.kill9()
        self.standby.sql("SELECT pg_promote(true, 60)")
        lt.wait_until(lambda: self.standby.sql("SELECT pg_is_in_recovery()") == "f", 60,
                      "the standby's promotion")

    def cleanup(self):
        for s in self.servers:
            try:
                s.stop()
            except Exception:
                pass
        if os.environ.get("LUYU_KEEP_TMP"):
            lt.say("kept", self.root)
        else:
            shutil.rmtree(self.root, ignore_errors=True)


class Rows:
    """What sqlite3's execute() gives the tests, read from PostgreSQL:
    a list of tuples, integers as int."""

    def __init__(self, server):
        self.server = server

    def execute(self, query, params=()):
        if params:
            raise lt.Failure("PostgreSQL reads in tests take no parameters")
        out = self.server.sql(query)
        rows = []
        for line in out.splitlines() if out else []:
            rows.append(tuple(_value(v) for v in line.split("\t")))
        return Result(rows)

    def close(self):
        pass


class Result(list):
    """Rows with sqlite3's cursor calls."""

    def fetchall(self):
        return list(self)

    def fetchone(self):
        return self[0] if self else None


def _value(v):
    try:
        return int(v)
    except ValueError:
        return v
