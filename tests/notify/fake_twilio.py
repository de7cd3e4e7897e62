"""A local fake of Twilio's Messages API on loopback, for the real twilio library to talk to.

It speaks the parts VPM uses: POST /2010-04-01/Accounts/<sid>/Messages.json
with HTTP basic auth (account sid, auth token), form fields To, Body, From or
MessagingServiceSid, StatusCallback. Numbers listed in `refuse` get Twilio's
400 error body with that code; numbers in `fail` get a 500.
"""

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "fake-auth-token-for-tests"


class FakeTwilio:
    def __init__(self):
        self.sent = []  # the form fields of each accepted message
        self.refuse = {}  # number -> Twilio error code
        self.fail = set()
        self.requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 - http.server's naming
                fake.requests += 1
                expected = "Basic " + base64.b64encode(
                    f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"code": 20003, "message": "Authenticate",
                                              "status": 401})
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json":
                    return self._answer(404, {"code": 20404, "message": "Not found",
                                              "status": 404})
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                to = form.get("To", "")
                if to in fake.fail:
                    return self._answer(500, {"code": 20500, "message": "Internal error",
                                              "status": 500})
                if to in fake.refuse:
                    return self._answer(400, {"code": fake.refuse[to], "status": 400,
                                              "message": "The 'To' number is not valid."})
                sid = "SM" + uuid.uuid4().hex
                fake.sent.append({**form, "sid": sid})
                return self._answer(201, {"sid": sid, "status": "queued", "to": to,
                                          "body": form.get("Body", ""),
                                          "account_sid": ACCOUNT_SID})

        return Handler
