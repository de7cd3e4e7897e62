"""The production web server's access log carries no patient data."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_access_log_leaves_out_query_strings_and_referers(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "-c", "python:vpm.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(log),
         "vpm.wsgi"],
        cwd=ROOT, env={**os.environ, "VPM_ENV": "development"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/no-such-page/?q=Maria+Garcia",
            headers={"Referer": "http://example.test/search?q=Maria+Garcia"})
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310 - local server
            except urllib.error.HTTPError as answer:  # the 404 we asked for
                assert answer.code == 404
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
    line = log.read_text()
    assert '"GET /no-such-page/" 404' in line
    assert "Maria" not in line and "q=" not in line
