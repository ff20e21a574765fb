"""The archive's crawl lock: one crawl per archive at a time."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.errors import ArchiveLocked
from crawler.store.schema import utc_now


@contextmanager
def archive_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the archive's crawl lock (``<db>.lock``) or raise ArchiveLocked at once.

    An OS lock (flock): the kernel drops it when its holder dies, even by SIGKILL, so a killed
    run never blocks the next one.
    """
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ArchiveLocked(f"another crawl holds {db_path} ({holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {utc_now()}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
