"""The web server in the real daemons: /metrics on the hub and the node
through --web (and its older name --metrics); plain HTTP refused off
loopback, the same rule as --insecure; TLS with a self-signed certificate
made here by openssl: the page comes over TLS with the strict headers,
plain HTTP to that port gets no page, a private key others can read is
refused."""
import os
import shutil
import socket
import ssl
import subprocess
import urllib.error
import urllib.request

from luyutest import Cluster, check, free_port, run, say, skip, wait_until


def start_fail(argv, timeout=30):
    p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stderr.decode()


def get(url, ctx=None):
    with urllib.request.urlopen(url, timeout=30, context=ctx) as r:
        return r.status, dict(r.headers), r.read().decode()


def main():
    if shutil.which("openssl") is None:
        skip("openssl is not installed (scripts/deps installs it)")
    c = Cluster("web")
    say("the hub serves /metrics on --web, with the strict headers")
    hport = free_port()
    c.start_hub(["--web", "127.0.0.1:%d" % hport])
    st, hd, body = get("http://127.0.0.1:%d/metrics" % hport)
    check(st == 200 and "luyu_hub_entries_total" in body, "hub /metrics over --web")
    check(hd.get("Content-Security-Policy", "").startswith(
        "default-src 'self'; frame-ancestors 'none'"), "CSP on /metrics")
    check(hd.get("X-Content-Type-Options") == "nosniff", "nosniff on /metrics")
    try:
        get("http://127.0.0.1:%d/nope" % hport)
        check(False, "unknown path answered")
    except urllib.error.HTTPError as e:
        check(e.code == 404, "unknown path: 404")

    say("plain HTTP off loopback is refused, like --insecure")
    # A web setting that cannot work is a configuration error: exit 78
    # (EX_CONFIG, issue 11), which the unit does not restart.
    argv = c.node_argv("cq-wuxi", "cq-wuxi", ["--web", "0.0.0.0:%d" % free_port()])
    rc, err = start_fail(argv)
    check(rc == 78 and "plain HTTP is for loopback only" in err,
          "node with --web 0.0.0.0 and no certificate refused: " + err.strip()[-120:])
    argv = c.node_argv("cq-wuxi", "cq-wuxi", ["--web", "127.0.0.1:1", "--metrics",
                                              "127.0.0.1:2"])
    rc, err = start_fail(argv)
    check(rc == 78 and "set --web only" in err, "--metrics and --web disagreeing refused")

    say("TLS with a self-signed certificate")
    cert, key = c.path("web.crt"), c.path("web.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    os.chmod(key, 0o644)
    wport = free_port()
    tls = ["--web", "127.0.0.1:%d" % wport, "--web-cert", cert, "--web-key", key]
    rc, err = start_fail(c.node_argv("cq-wanzhou", "cq-wanzhou", tls))
    # The key file is configuration: checked before the state directory is
    # locked, and refused with EX_CONFIG like a readable CurveZMQ key.
    check(rc == 78 and "chmod 600" in err, "a private key others can read is refused (78)")
    rc, err = start_fail(c.node_argv("cq-wanzhou", "cq-wanzhou",
                                     tls[:5] + [key + ".missing"]))
    check(rc == 78 and ".missing" in err, "a missing key file is a config error (78)")
    os.chmod(key, 0o600)
    c.start_node("cq-wanzhou", "cq-wanzhou", tls)
    ctx = ssl.create_default_context(cafile=cert)
    st, hd, body = get("https://127.0.0.1:%d/metrics" % wport, ctx)
    check(st == 200 and "luyu_node_outbox_pending" in body, "node /metrics over TLS")
    check(hd.get("Cache-Control") == "no-store", "no-store on /metrics")
    st, hd, body = get("https://127.0.0.1:%d/login" % wport, ctx)
    cookie = hd.get("Set-Cookie", "")
    check(st == 200 and "登录" in body and "; Secure" in cookie and "HttpOnly" in cookie
          and "SameSite=Strict" in cookie, "the sign-in page over TLS; its cookie is Secure: "
          + cookie.split(";", 1)[-1])
    # Plain HTTP to the TLS port gets no page.
    s = socket.create_connection(("127.0.0.1", wport), timeout=30)
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    got = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except OSError:
        pass
    s.close()
    check(b"luyu_node" not in got, "plain HTTP on the TLS port gets no page")
    st, hd, body = get("https://127.0.0.1:%d/metrics" % wport, ctx)
    check(st == 200, "still serving after the plain client")

    say("--metrics, the older name, still works on the node")
    mport = free_port()
    d = c.start_node("cq-wuxi", "cq-wuxi", ["--metrics", "127.0.0.1:%d" % mport])

    def mapped():
        with open("/proc/%d/maps" % d.proc.pid) as f:
            return "libmicrohttpd" in f.read()
    check(not mapped(), "plain HTTP: libmicrohttpd is not loaded before the first client")
    st, hd, body = get("http://127.0.0.1:%d/metrics" % mport)
    check(st == 200 and "luyu_node_link_up" in body, "node /metrics via --metrics")
    check(mapped(), "and is loaded for it")
    for d in list(c.daemons):
        rc = d.stop()
        check(rc == 0, "%s stopped cleanly" % d.name)


run(main)
