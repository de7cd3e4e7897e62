import pytest

from .processes import REDIS_SERVER, FakeSMTPServer, RedisServer

needs_redis_server = pytest.mark.skipif(
    REDIS_SERVER is None,
    reason="needs the redis-server binary to start a Redis it may stop and hang "
           "(apt-get install redis-server)")


@pytest.fixture
def redis_server(tmp_path):
    """A private Redis this test may stop, hang and restart."""
    if REDIS_SERVER is None:
        pytest.skip("needs the redis-server binary (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server():
    servers = []

    def start(behaviour):
        servers.append(FakeSMTPServer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
