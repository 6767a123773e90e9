#!/usr/bin/env python3
"""luyu-loadgen http against a server of this test's making: what the
dashboard bench's viewers count is what they received. Bodies with a
length and chunked ones are read whole; every viewer sends the cookie from
its own address; a hostile or broken answer is an error counted in the
report, never a crash; a kept-alive connection the server dropped is asked
again; stdin's end and SIGTERM stop it with a report. Asserts outcomes
only, never a rate."""
import http.server
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time

BIN = os.path.abspath(os.environ.get("LUYU_BIN", "build"))
LOADGEN = os.path.join(BIN, "luyu-loadgen")
BODY = "总览 overview ".encode() * 300
CHUNKS = [BODY[:1000], BODY[1000:1001], BODY[1001:]]
COOKIE = "luyu_session=0123abcd; x=y"

seen = {"cookies": set(), "addrs": set()}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def raw(self, data):
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self):
        seen["cookies"].add(self.headers.get("Cookie"))
        seen["addrs"].add(self.client_address[0])
        p = self.path
        if p == "/chunked":
            out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            for c in CHUNKS:
                out += b"%x;ext=1\r\n" % len(c) + c + b"\r\n"
            self.wfile.write(out + b"0\r\nX-Trailer: 1\r\n\r\n")
        elif p in ("/", "/drop"):
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
            # /drop: the server lets the kept-alive connection go at once.
            self.close_connection = p == "/drop"
        elif p == "/500":
            self.wfile.write(b"HTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\nno")
        elif p == "/garbage":
            self.raw(b"\xff\xfe\x00HELLO\r\n\r\n")
        elif p == "/huge":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n")
        elif p == "/longhead":
            self.raw(b"HTTP/1.1 200 OK\r\nX: " + b"a" * 40000 + b"\r\n\r\n")
        elif p == "/short":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc")
        elif p == "/badchunk":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n")
        elif p == "/longchunkline":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1" + b"0" * 500)
        elif p == "/nolength":
            self.raw(b"HTTP/1.1 200 OK\r\n\r\nbody until close")
        elif p == "/extra":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")
        elif p == "/hang":
            time.sleep(3)
            self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 128


def run(args, timeout=60):
    p = subprocess.run([LOADGEN, "http"] + args, capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise AssertionError("exit %d: %s" % (p.returncode, p.stderr.decode()))
    return json.loads(p.stdout.decode("utf-8"))


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main():
    if not os.access(LOADGEN, os.X_OK):
        print("luyu-loadgen not built in %s" % BIN)
        return 77
    srv = Server(("127.0.0.1", 0), Handler)
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = ["--port", str(port), "--cookie", COOKIE]

    # Whole bodies, with a length and chunked, from 4 addresses.
    for path, size in (("/", len(BODY)), ("/chunked", sum(map(len, CHUNKS)))):
        r = run(base + ["--path", path, "--viewers", "4", "--seconds", "1"])
        check(r["errors"] == 0 and r["requests"] > 0, "%s: %s" % (path, r))
        check(r["body_bytes"] == r["requests"] * size,
              "%s: %d bytes for %d answers" % (path, r["body_bytes"], r["requests"]))
        check(0 < r["p50_ms"] <= r["p99_ms"] <= r["max_ms"], "%s: percentiles %s" % (path, r))
    check(seen["cookies"] == {COOKIE}, "cookies sent: %s" % seen["cookies"])
    check(seen["addrs"] == {"127.0.0.%d" % (i + 2) for i in range(4)},
          "source addresses: %s" % seen["addrs"])

    # Paced: timed from the write and from when each request was due.
    r = run(base + ["--viewers", "3", "--every", "0.1", "--seconds", "1"])
    check(r["errors"] == 0 and r["requests"] > 0 and r["p99_from_due_ms"] >= 0, "paced: %s" % r)
    check(r["cpu_s"] >= 0 and "p99_from_due_ms" not in run(base + ["--viewers", "1", "--seconds", "0.3"]),
          "closed loop has no from-due time")

    # The server drops each kept-alive connection: asked again, no error.
    r = run(base + ["--path", "/drop", "--viewers", "2", "--seconds", "1"])
    check(r["errors"] == 0 and r["requests"] > 1, "/drop: %s" % r)

    # Hostile or broken answers: errors with a reason, never a crash.
    hostile = {"/500": "HTTP 500", "/garbage": "not an HTTP/1.x status line",
               "/huge": "Content-Length", "/longhead": "headers over",
               "/short": "connection closed after", "/badchunk": "bad chunked framing",
               "/longchunkline": "chunked framing line over", "/nolength": "neither",
               "/extra": "bytes after the response"}
    for path, why in hostile.items():
        r = run(base + ["--path", path, "--viewers", "2", "--seconds", "0.5"])
        check(r["requests"] == 0 and r["errors"] > 0, "%s: %s" % (path, r))
        check(all(why in e for e in r["first_errors"]) and len(r["first_errors"]) <= 5,
              "%s: %s" % (path, r["first_errors"]))
    r = run(base + ["--path", "/hang", "--viewers", "1", "--timeout", "0.5", "--seconds", "1.5"])
    check(r["errors"] >= 1 and "nothing in 0.5 s" in r["first_errors"][0], "/hang: %s" % r)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    closed_port = s.getsockname()[1]
    s.close()
    r = run(["--port", str(closed_port), "--viewers", "1", "--seconds", "0.3"])
    check(r["requests"] == 0 and r["errors"] > 0, "no server: %s" % r)

    # Stops with a report at stdin's end and at SIGTERM.
    for how in ("stdin", "sigterm"):
        p = subprocess.Popen([LOADGEN, "http"] + base + ["--viewers", "2", "--every", "0.05"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.5)
        if how == "stdin":
            p.stdin.close()
        else:
            p.send_signal(signal.SIGTERM)
        # Waits for that alone (stdin stays open for SIGTERM); the report
        # is small enough for the pipe.
        p.wait(timeout=60)
        out, err = p.stdout.read(), p.stderr.read()
        check(p.returncode == 0, "%s: exit %d %s" % (how, p.returncode, err.decode()))
        r = json.loads(out.decode())
        check(r["requests"] > 0 and r["errors"] == 0, "%s: %s" % (how, r))

    # Arguments that would split the request are refused.
    for bad in (["--path", "x"], ["--path", "/a\r\nX: 1"], ["--cookie", "a\nb"], ["--port", "0"]):
        p = subprocess.run([LOADGEN, "http", "--port", str(port)] + bad, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=30)
        check(p.returncode == 2, "%s accepted" % bad)
    srv.shutdown()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
