"""Appending captures to WARC files (ISO 28500, gzip per record) with warcio.

Each run writes its own files, ``warc/partyfield-<run>-<UTC time>-<n>.warc.gz`` beside the
archive database, starting each with a ``warcinfo`` record and moving to a new file once one
passes ``max_bytes``. A file is created exclusively and only ever appended to: a crawl that is
killed leaves at most a half-written last record, which nothing points at.
"""

from __future__ import annotations

import io
import zlib
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warc.exchange import (
    DROPPED_RESPONSE_HEADERS,
    CaptureRef,
    Exchange,
    new_record_id,
    warc_date,
)

WARC_FOLDER = "warc"
DEFAULT_MAX_BYTES = 1024**3
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"


class WarcFiles:
    """The WARC files of one run: open lazily, rotate at ``max_bytes``, close at the end."""

    def __init__(self, archive_folder: Path, run_id: int, *, max_bytes: int = DEFAULT_MAX_BYTES):
        self.archive_folder = archive_folder
        self.run_id = run_id
        self.max_bytes = max_bytes
        self.started = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._sequence = 0
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._name = ""
        self.files: list[str] = []  # every file this run wrote, relative to the archive folder

    def write_exchange(self, exchange: Exchange) -> CaptureRef:
        """A ``request`` and a ``response`` record of one exchange; the ref is the response's."""
        self._rotate_when_full()
        response = self._response_record(exchange)
        ref = self._write(response, "response", exchange.url, exchange.status, exchange.fetched_at)
        self._write_request(exchange)
        return ref

    def write_revisit(self, exchange: Exchange, refers_to: CaptureRef) -> CaptureRef:
        """A 304: a ``revisit`` record (server-not-modified) pointing at the stored capture."""
        self._rotate_when_full()
        headers = {
            "WARC-Record-ID": exchange.record_id,
            "WARC-Date": warc_date(exchange.fetched_at),
            "WARC-Profile": NOT_MODIFIED_PROFILE,
            "WARC-Refers-To": refers_to.record_id,
            "WARC-Refers-To-Target-URI": refers_to.url,
            "WARC-Refers-To-Date": refers_to.fetched_at.replace("+00:00", "Z"),
        }
        if refers_to.payload_digest:
            headers["WARC-Payload-Digest"] = refers_to.payload_digest
        record = self._writer_now().create_warc_record(
            exchange.url, "revisit", warc_headers_dict=headers,
            http_headers=_http_response_headers(exchange),
        )  # fmt: skip
        ref = self._write(record, "revisit", exchange.url, exchange.status, exchange.fetched_at)
        self._write_request(exchange)
        return ref

    def write_resource(self, url: str, data: bytes, content_type: str, at: datetime) -> CaptureRef:
        """A ``resource`` record: a file imported from disk, kept as it was read."""
        self._rotate_when_full()
        headers = {"WARC-Record-ID": new_record_id(), "WARC-Date": warc_date(at)}
        record = self._writer_now().create_warc_record(
            url, "resource", payload=io.BytesIO(data), length=len(data),
            warc_content_type=content_type, warc_headers_dict=headers,
        )  # fmt: skip
        return self._write(record, "resource", url, None, at)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file = self._writer = None

    # ------------------------------------------------------------------ records

    def _response_record(self, exchange: Exchange) -> Any:
        headers = {
            "WARC-Record-ID": exchange.record_id,
            "WARC-Date": warc_date(exchange.fetched_at),
        }
        return self._writer_now().create_warc_record(
            exchange.url, "response", payload=io.BytesIO(exchange.body),
            length=len(exchange.body), warc_headers_dict=headers,
            http_headers=_http_response_headers(exchange),
        )  # fmt: skip

    def _write_request(self, exchange: Exchange) -> None:
        record = self._request_record(exchange)
        self._write(record, "request", exchange.url, None, exchange.fetched_at)

    def _request_record(self, exchange: Exchange) -> Any:
        path = _request_target(exchange.url)
        http_headers = StatusAndHeaders(
            f"{exchange.method} {path} {exchange.protocol}",
            list(exchange.request_headers), is_http_request=True,
        )  # fmt: skip
        headers = {
            "WARC-Record-ID": new_record_id(),
            "WARC-Date": warc_date(exchange.fetched_at),
            "WARC-Concurrent-To": exchange.record_id,
        }
        return self._writer_now().create_warc_record(
            exchange.url, "request", payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body), warc_headers_dict=headers, http_headers=http_headers,
        )  # fmt: skip

    def _write(
        self, record: Any, record_type: str, url: str, status: int | None, at: datetime
    ) -> CaptureRef:
        writer = self._writer_now()
        assert self._file is not None
        offset = self._file.tell()
        writer.write_record(record)
        self._file.flush()  # on disk before the archive's row points at it
        length = self._file.tell() - offset
        return CaptureRef(
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            record_type=record_type,
            url=url,
            status=status,
            fetched_at=at.astimezone(UTC).isoformat(timespec="seconds"),
            warc_file=self._name,
            offset=offset,
            length=length,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        )

    def _rotate_when_full(self) -> None:
        """Before an exchange, never inside one: its request and response share a file."""
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self.close()

    def _writer_now(self) -> WARCWriter:
        """The current file's writer, starting a new file when there is none."""
        if self._writer is None:
            self._open_next()
        assert self._writer is not None
        return self._writer

    def _open_next(self) -> None:
        self._sequence += 1
        folder = self.archive_folder / WARC_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        filename = f"partyfield-{self.run_id}-{self.started}-{self._sequence:05d}.warc.gz"
        self._file = (folder / filename).open("xb")  # never an existing file
        self._name = f"{WARC_FOLDER}/{filename}"
        self.files.append(self._name)
        self._writer = WARCWriter(GzipMembers(self._file), gzip=False, warc_version="1.1")
        info = {
            "software": software(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": f"partyfield run {self.run_id}",
            "description": "pages fetched by partyfield (request, response and revisit records)",
        }
        self._writer.write_record(self._writer.create_warcinfo_record(filename, info))
        self._file.flush()


class GzipMembers:
    """The file a WARCWriter writes to, gzipping each record as a member of its own.

    warcio's own gzip wrapper compresses at level 9, which costs half as much again as zlib's
    default level 6 for records under 1% smaller. warcio ends every record with ``flush()``,
    which here closes the member.
    """

    LEVEL = 6

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self._compressor = self._new()

    def _new(self) -> Any:
        return zlib.compressobj(self.LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self.out.write(self._compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self._compressor.flush())
        self.out.flush()
        self._compressor = self._new()


def _http_response_headers(exchange: Exchange) -> StatusAndHeaders:
    kept = [
        (k, v) for k, v in exchange.response_headers if k.lower() not in DROPPED_RESPONSE_HEADERS
    ]
    return StatusAndHeaders(exchange.status_line, kept, protocol=exchange.protocol)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def software() -> str:
    """What the warcinfo records name as the software that wrote the file."""
    parts = {name: version(name) for name in ("partyfield", "scrapy", "warcio")}
    return "partyfield/{partyfield} (Scrapy {scrapy}, warcio {warcio})".format(**parts)
