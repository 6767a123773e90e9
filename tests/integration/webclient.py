"""A browser without JavaScript for the web tests: keeps cookies, sends
forms, and signs in through a page's form with its CSRF token."""
import http.client
import json
import re
import socket
import urllib.parse


class Stream:
    """A response that stays open (server-sent events): the head, then
    events as they come, with the chunked framing taken off."""

    def __init__(self, port, path, cookies):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        cookie = "; ".join("%s=%s" % kv for kv in cookies.items())
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
                           "Accept: text/event-stream\r\n\r\n" % (path, cookie)).encode())
        self.raw = b""
        self.text = b""
        while b"\r\n\r\n" not in self.raw:
            self._recv()
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = dict((k.strip().lower(), v.strip()) for k, v in
                            (x.split(":", 1) for x in lines[1:]))
        self.chunked = self.headers.get("transfer-encoding", "") == "chunked"
        self.closed = False

    def _recv(self):
        d = self.sock.recv(65536)
        if not d:
            raise EOFError("stream closed")
        self.raw += d

    def _dechunk(self):
        while True:
            if not self.chunked:
                self.text += self.raw
                self.raw = b""
                return
            if b"\r\n" not in self.raw:
                return
            size, rest = self.raw.split(b"\r\n", 1)
            n = int(size.split(b";")[0], 16)
            if n == 0:
                self.closed = True
                return
            if len(rest) < n + 2:
                return
            self.text += rest[:n]
            self.raw = rest[n + 2:]

    def block(self):
        """The next block (an event or a comment) as text; EOFError when
        the server ends the stream."""
        while b"\n\n" not in self.text:
            self._dechunk()
            if b"\n\n" in self.text:
                break
            if self.closed:
                raise EOFError("stream ended")
            self._recv()
        blk, self.text = self.text.split(b"\n\n", 1)
        return blk.decode("utf-8")

    def event(self):
        """The next event's data, parsed (comments are skipped)."""
        while True:
            blk = self.block()
            data = [x[6:] for x in blk.split("\n") if x.startswith("data: ")]
            if data:
                return json.loads("\n".join(data))

    def close(self):
        self.sock.close()


class Browser:
    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.last_headers = []

    def request(self, method, path, fields=None, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if raw is not None:
            body, headers["Content-Type"] = raw
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        # Pages must be UTF-8 (a strict decode checks it); a download stays
        # bytes.
        binary = (r.getheader("Content-Type") or "").startswith("application/octet-stream")
        text = data if binary else data.decode("utf-8")
        self.last_headers = r.getheaders()
        for k, v in self.last_headers:
            if k.lower() == "set-cookie":
                name, val = v.split(";")[0].split("=", 1)
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = val
        conn.close()
        return r.status, dict((k.lower(), v) for k, v in self.last_headers), text

    def get(self, path):
        return self.request("GET", path)

    def stream(self, path):
        return Stream(self.port, path, self.cookies)

    def post(self, path, fields):
        return self.request("POST", path, fields)

    def csrf(self, path):
        st, h, text = self.get(path)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', text)
        return m.group(1) if m else None, text

    def login(self, user, pw):
        token, _ = self.csrf("/login")
        return self.post("/login", {"csrf": token, "user": user, "password": pw})
