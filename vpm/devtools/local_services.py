"""Print shell exports that point the test run at the best database and broker.

Order: what the environment already says; else PostgreSQL and Redis on their
default local ports if they answer; else nothing, which means the embedded
PostgreSQL (and Redis-only tests skip, saying why). Imports no Django, so it
starts nothing.
"""

import os
import shlex
import socket

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/vpm"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _postgres_accepts() -> bool:
    """Connect, and create the `vpm` database that migration checks look at."""
    try:
        import psycopg

        url = "postgresql://postgres@127.0.0.1:5432/postgres"
        with psycopg.connect(url, connect_timeout=2, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'vpm'").fetchone():
                conn.execute("CREATE DATABASE vpm")
            return True
    except Exception:  # noqa: BLE001 - any failure means "not usable", fall back
        return False


def main() -> None:
    exports = {}
    if not os.environ.get("DATABASE_URL") and _answers(5432) and _postgres_accepts():
        exports["DATABASE_URL"] = LOCAL_POSTGRES
    if not os.environ.get("REDIS_URL") and _answers(6379):
        exports["REDIS_URL"] = LOCAL_REDIS
    for name, value in exports.items():
        print(f"export {name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
