"""One HTTP exchange as it went over the wire: what the WARC files keep. Pure: no Scrapy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus

Headers = tuple[tuple[str, str], ...]
# Twisted undoes chunking before Scrapy sees the body: a record keeping this header would make
# readers de-chunk a body that is not chunked any more.
DROPPED_RESPONSE_HEADERS = frozenset({"transfer-encoding"})


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_date(moment: datetime) -> str:
    """WARC-Date form: UTC, seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """A request and the response the server sent to it, body bytes as they came (still
    compressed when the server compressed them). ``record_id`` is given before the record is
    written, so the page's article can name its capture at once."""

    url: str
    method: str  # "GET", "POST"
    request_headers: Headers
    request_body: bytes
    protocol: str  # "HTTP/1.1"
    status: int
    response_headers: Headers
    body: bytes
    fetched_at: datetime
    record_id: str = field(default_factory=new_record_id)

    @property
    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = ""
        return f"{self.status} {phrase}".rstrip()

    def response_header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.response_headers if key.lower() == wanted), None)


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """Where a record was written: the bytes ``[offset, offset + length)`` of ``warc_file``
    (relative to the archive's folder) are one gzip member holding the whole record."""

    record_id: str
    record_type: str  # "response", "revisit" or "resource"
    url: str
    status: int | None  # None for a resource record (an imported file)
    fetched_at: str  # ISO 8601, UTC
    warc_file: str
    offset: int
    length: int
    payload_digest: str | None  # "sha1:…", as in the record's WARC-Payload-Digest
