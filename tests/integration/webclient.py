"""A browser without JavaScript for the web tests: keeps cookies, sends
forms, and signs in through a page's form with its CSRF token."""
import http.client
import re
import urllib.parse


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

    def post(self, path, fields):
        return self.request("POST", path, fields)

    def csrf(self, path):
        st, h, text = self.get(path)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', text)
        return m.group(1) if m else None, text

    def login(self, user, pw):
        token, _ = self.csrf("/login")
        return self.post("/login", {"csrf": token, "user": user, "password": pw})
