"""Reading stored captures back: the byte span a ``captures`` row names, nothing else."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.errors import PartyfieldError, Stage


class CaptureError(PartyfieldError):
    """A capture that is missing, cut short or not the record its row says."""

    stage: Stage = "reparse"


@dataclass(frozen=True, slots=True)
class StoredPage:
    """The page a capture holds: its body decoded from any Content-Encoding, and the
    Content-Type it came with (a resource record's own type for an imported file)."""

    url: str
    record_type: str
    content_type: str | None
    body: bytes


class CaptureFiles:
    """Open WARC files, one handle each, for reading many records by offset."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._open: dict[str, IO[bytes]] = {}

    def page(self, url: str, warc_file: str, offset: int, length: int) -> StoredPage:
        try:
            handle = self._open.get(warc_file)
            if handle is None:
                handle = self._open[warc_file] = (self.folder / warc_file).open("rb")
            handle.seek(offset)
            data = handle.read(length)
        except OSError as exc:
            raise CaptureError(url, f"capture file {warc_file}: {exc.strerror or exc}") from exc
        if len(data) != length:
            where = f"{warc_file} at byte {offset + len(data)}"
            raise CaptureError(url, f"capture cut short in {where}")
        return page_of_record(data, warc_file, offset, url)

    def close(self) -> None:
        for handle in self._open.values():
            handle.close()
        self._open.clear()


GZIP_MAGIC = b"\x1f\x8b"  # every record partyfield writes is a gzip member of its own


def page_of_record(data: bytes, warc_file: str, offset: int, url: str) -> StoredPage:
    where = f"{warc_file} at byte {offset}"
    if not data.startswith(GZIP_MAGIC):
        raise CaptureError(url, f"unreadable capture in {where}: no gzip member starts there")
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            target = record.rec_headers.get_header("WARC-Target-URI")
            if target is None:
                raise CaptureError(url, f"unreadable capture in {where}: not a WARC record")
            if target != url:
                raise CaptureError(url, f"the record in {where} is of {target}, not this page")
            if record.http_headers is not None:
                content_type = record.http_headers.get_header("Content-Type")
            else:
                content_type = record.rec_headers.get_header("Content-Type")
            return StoredPage(url, record.rec_type, content_type, record.content_stream().read())
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise CaptureError(url, f"unreadable capture in {where}: {exc}") from exc
    raise CaptureError(url, f"no record in {where}")
