"""`manage.py benchmark --http`: the queue's pages through gunicorn with
production settings, loaded by wrk over loopback.

The server is started as the Dockerfile starts it (`gunicorn -c
python:vpm.gunicorn_conf vpm.wsgi`, VPM_ENV=production, so DEBUG off, the
manifest static storage, the access log) on 127.0.0.1 against the benchmark's
own database and Redis. Every request carries the signed-in session cookie
and `X-Forwarded-Proto: https`, as behind the TLS proxy production runs
behind; `/healthz` gets the same cookie, so the comparison is like for like.
Each URL is first fetched once to check its status (a 302 to the sign-in page
would otherwise count as a fast answer). The load client is wrk (Debian:
`apt-get install -y wrk`); it is a C program, so it takes far less of the
machine's CPU than the server it loads.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

# wrk's done() hook prints the figures wrk's own summary does not give (p95).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("VPM %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    db = settings.DATABASES["default"]  # the embedded PostgreSQL
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(port: int) -> dict:
    if not settings.REDIS_URL:
        raise CommandError("--http runs production settings, which need REDIS_URL.")
    return {
        **os.environ,
        "VPM_ENV": "production",
        # The sessions were made in this process: the server must sign them alike.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_HOST": "smtp.bench.invalid",
        "VPM_SITE_URL": "https://bench.invalid",
        "VPM_ALLOW_RECORDING_SMS": "true",
        "DJANGO_DEBUG": "false",
        # The throttle still counts every request (its Redis round trip is part
        # of the figure); the limit is raised so the run measures answers, not 429s.
        "VPM_API_RATE_PER_USER": "10000000/min",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, *, workers: int, stdout):
        self.port = _free_port()
        self.env = production_env(self.port)
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.workers = int(self.env.get("WEB_CONCURRENCY", "3"))
        self.stdout = stdout
        self.process = None

    def __enter__(self):
        base = Path(settings.BASE_DIR)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=base, env=self.env, check=True)
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for gunicorn
            prefix="vpm-bench-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [sys.executable, "-m", "gunicorn", "-c", "python:vpm.gunicorn_conf", "vpm.wsgi",
             "--bind", f"127.0.0.1:{self.port}"],
            cwd=base, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped; see {self.log.name}")
            try:
                self.status("/healthz", {})
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise CommandError(f"gunicorn did not answer in 60 s; see {self.log.name}")
        self.stdout.write(f"gunicorn pid {self.process.pid}, {self.workers} workers, "
                          f"production settings, http://127.0.0.1:{self.port}")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def status(self, path, headers) -> int:
        request = urllib.request.Request(self.url(path), headers=headers)  # noqa: S310 - loopback
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:  # 3xx (unfollowed) and 4xx/5xx
            return error.code


def _headers(client, extra):
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
    for key, value in extra.items():  # Django test-client style: HTTP_HX_REQUEST
        headers[key.removeprefix("HTTP_").replace("_", "-").title()] = value
    return headers


def _wait_for_quiet_minute(seconds):
    """The poll's version includes the minute: a run must not cross one."""
    left = 60 - time.time() % 60
    if left < seconds + 2:
        time.sleep(left + 0.5)


def _load(wrk, script, server, page, seconds, connections) -> dict:
    _name, client, url, _form, headers, status = page
    head = _headers(client, headers)
    got = server.status(url, head)
    if got != status:
        raise CommandError(f"{url} through gunicorn: HTTP {got}, not {status}")
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script]
    for key, value in head.items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run(  # noqa: S603 - wrk, our own arguments
        [*command, server.url(url)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^VPM (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
    if found is None:
        raise CommandError(f"wrk gave no summary for {url}:\n{out}")
    done, micros, p50, p95, bad_status, socket_errors = map(int, found.groups())
    return {"rps": done / (micros / 1e6), "p50": p50 / 1000, "p95": p95 / 1000,
            "errors": bad_status + socket_errors, "headers": head}


def http_benchmark(*, pages, stdout, seconds, connections, workers):
    wrk = shutil.which("wrk")
    if wrk is None:
        raise CommandError("--http needs wrk, the HTTP load client: "
                           "`apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`.")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    with Gunicorn(workers=workers, stdout=stdout) as server:
        stdout.write(f"wrk, {connections} connections, {seconds} s per page, loopback; "
                     "every request with the session cookie\n")
        stdout.write(f"{'page':22} {'req/s':>8} {'healthz':>8} {'vs healthz':>10} "
                     f"{'median ms':>9} {'p95 ms':>7} {'errors':>6}")
        healthz = pages[0]
        for name, client, url, _form, headers, status in pages[1:]:
            # /healthz is loaded again right before each page, so a change in the
            # machine's load between pages does not skew the comparison.
            if callable(url):  # the poll: both runs within one minute
                _wait_for_quiet_minute(2 * seconds + 1)
            before = _load(wrk, script.name, server, healthz, seconds, connections)
            if callable(url):
                url, headers = url()
            row = _load(wrk, script.name, server, (name, client, url, None, headers, status),
                        seconds, connections)
            stdout.write(f"{name:22} {row['rps']:8.1f} {before['rps']:8.1f} "
                         f"{row['rps'] / before['rps']:10.2f} {row['p50']:9.1f} "
                         f"{row['p95']:7.1f} {row['errors']:6d}")
            if server.status(url, row["headers"]) != status:  # e.g. the poll saw a change
                stdout.write(f"  (after the run {url} no longer answers {status})")
    os.unlink(script.name)
