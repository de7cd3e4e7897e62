"""Real processes on loopback for the fault tests: a private redis-server the
test may stop, hang (SIGSTOP) and restart, fake SMTP servers that misbehave,
and a Celery worker process. None of them touches the shared Redis or
PostgreSQL: each listens on a free port of its own."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout=10.0, interval=0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


class RedisServer:
    """A throwaway redis-server: no persistence, its own port and directory."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(self.answers, timeout=10):
            raise RuntimeError("redis-server did not start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a paused server cannot exit
            self.process.terminate()
            self.process.wait(10)

    def hang(self):
        """Still accepting connections (the kernel does that), never answering."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def delete(self, key="celery"):
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=2)
        try:
            client.delete(key)
        finally:
            client.close()

    def llen(self, key="celery") -> int:
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=2)
        try:
            return client.llen(key)
        finally:
            client.close()


class FakeSMTPServer:
    """A minimal SMTP server in a thread, misbehaving in one of two ways.

    - "drop_after_data": takes the whole message, then closes the connection
      before confirming it (the patient got the email; we were never told).
    - "silent": accepts the connection and never says a word.
    Every message received whole is counted in `messages`.
    """

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.messages = 0
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._held = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            if self.behaviour == "silent":
                self._held.append(conn)  # keep it open, say nothing ...
                threading.Timer(8, conn.close).start()  # ... for longer than any bound
                continue
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"220 fake ESMTP\r\n")
            for line in lines:
                command = line.strip().upper()
                if command.startswith((b"EHLO", b"HELO")):
                    conn.sendall(b"250 fake\r\n")
                elif command.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                    conn.sendall(b"250 OK\r\n")
                elif command == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    for body_line in lines:
                        if body_line in (b".\r\n", b".\n"):
                            break
                    self.messages += 1
                    return  # drop the connection instead of "250 queued"
                elif command == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return

    def close(self):
        self.listener.close()
        for conn in self._held:
            conn.close()


def production_worker_command() -> list[str]:
    """The worker command docker-compose.yml runs, with one child process (2 cores here)."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = list(compose["services"]["worker"]["command"])
    if "--concurrency" in command:
        command[command.index("--concurrency") + 1] = "1"
    return command


class CeleryWorker:
    """The production worker command in its own process, on the given broker and database."""

    def __init__(self, *, broker_url, database_url, log_path: Path, environment=None):
        self.log_path = log_path
        env = {**os.environ, "REDIS_URL": broker_url, "DATABASE_URL": database_url,
               "PYTHONUNBUFFERED": "1", **(environment or {})}
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", *production_worker_command()],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self):
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


def settings_for(redis_url: str, **environment) -> dict:
    """What vpm/settings.py configures when REDIS_URL is `redis_url`.

    Read from the settings module itself, so a test exercises exactly the
    cache, broker and email options production gets.
    """
    import runpy
    from unittest import mock

    with mock.patch.dict(os.environ, {"REDIS_URL": redis_url, **environment}):
        return runpy.run_path(str(ROOT / "vpm" / "settings.py"))


def production_settings() -> dict:
    return settings_for("redis://127.0.0.1:1/0", VPM_ENV="production",
                        DJANGO_SECRET_KEY="fault-tests-" + "x" * 40,
                        DJANGO_ALLOWED_HOSTS="testserver", EMAIL_HOST="127.0.0.1",
                        VPM_ALLOW_RECORDING_SMS="true", VPM_SITE_URL="https://vpm.test")


def point_celery_at(app, settings_module: dict):
    """Configure the Celery app as `settings_module` would, dropping pooled connections."""
    app.close()
    app.amqp._producer_pool = None
    app.pool.force_close_all() if app._pool else None
    app._pool = None
    for name, value in settings_module.items():
        if name.startswith("CELERY_"):
            app.conf[name.removeprefix("CELERY_").lower()] = value
