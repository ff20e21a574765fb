"""A throwaway redis-server on a free loopback port, persistence off: what the shared crawl's
tests and benchmark run against (the Debian package ``redis-server`` provides the binary)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis

STARTUP_SECONDS = 10.0


@dataclass(frozen=True)
class LocalRedis:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_redis(binary: str) -> Iterator[LocalRedis]:
    """A redis-server of ``binary`` answering on a free port until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_it_answers(redis.Redis(port=port, socket_connect_timeout=1))
        yield LocalRedis(port, process)
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)


def _wait_until_it_answers(client: redis.Redis) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not answer within {STARTUP_SECONDS:.0f} s")
