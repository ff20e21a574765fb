"""The WARC writer and reader without a crawl: record spans, rotation, files never reused."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.warc import CaptureError, CaptureFiles, Exchange, WarcFiles

AT = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


def exchange(n: int, body: bytes = b"", **kwargs: object) -> Exchange:
    page = body or f"<html><body><p>第{n}篇</p></body></html>".encode()
    fields: dict[str, object] = dict(
        url=f"http://www.example.cn/news/{n}.html", method="GET",
        request_headers=(("Host", "www.example.cn"), ("User-Agent", "partyfield")),
        request_body=b"", protocol="HTTP/1.1", status=200,
        response_headers=(("Content-Type", "text/html; charset=utf-8"),
                          ("Transfer-Encoding", "chunked")),
        body=page, fetched_at=AT,
    )  # fmt: skip
    fields.update(kwargs)
    return Exchange(**fields)  # type: ignore[arg-type]


def test_a_capture_span_alone_is_the_response_record(tmp_path: Path) -> None:
    warc = WarcFiles(tmp_path, run_id=7)
    refs = [warc.write_exchange(exchange(n)) for n in range(3)]
    warc.close()
    files = CaptureFiles(tmp_path)
    for n, ref in enumerate(refs):
        page = files.page(ref.url, ref.warc_file, ref.offset, ref.length)
        assert page.body == f"<html><body><p>第{n}篇</p></body></html>".encode()
        assert page.content_type == "text/html; charset=utf-8"
        assert ref.payload_digest and ref.payload_digest.startswith("sha1:")
        assert (ref.status, ref.fetched_at) == (200, "2026-12-01T08:30:00+00:00")
    files.close()
    with (tmp_path / refs[0].warc_file).open("rb") as handle:
        [record] = [r for r in ArchiveIterator(handle) if r.rec_type == "response"][:1]
        # Twisted de-chunked the body: the record must not tell readers to de-chunk it again.
        assert record.http_headers.get_header("Transfer-Encoding") is None


def test_a_compressed_body_is_kept_compressed_and_read_back_plain(tmp_path: Path) -> None:
    plain = "<html><body>黨建工作</body></html>".encode()
    squeezed = exchange(1, body=gzip.compress(plain),
                        response_headers=(("Content-Encoding", "gzip"),
                                          ("Content-Type", "text/html")))  # fmt: skip
    warc = WarcFiles(tmp_path, run_id=1)
    ref = warc.write_exchange(squeezed)
    warc.close()
    with (tmp_path / ref.warc_file).open("rb") as handle:
        handle.seek(ref.offset)
        for record in ArchiveIterator(io.BytesIO(handle.read(ref.length))):
            assert record.raw_stream.read() == squeezed.body  # as the server sent it
    assert CaptureFiles(tmp_path).page(ref.url, ref.warc_file, ref.offset, ref.length).body == plain


def test_files_rotate_at_the_size_limit_each_with_its_warcinfo(tmp_path: Path) -> None:
    warc = WarcFiles(tmp_path, run_id=3, max_bytes=2_000)
    refs = [warc.write_exchange(exchange(n, body=bytes(range(256)) * 8)) for n in range(6)]
    warc.close()
    assert len(warc.files) > 2 and len({ref.warc_file for ref in refs}) == len(warc.files)
    for name in warc.files:
        with (tmp_path / name).open("rb") as handle:
            kinds = [record.rec_type for record in ArchiveIterator(handle)]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        assert name.startswith("warc/partyfield-3-")


def test_a_run_never_writes_into_an_existing_file(tmp_path: Path) -> None:
    first = WarcFiles(tmp_path, run_id=5)
    ref = first.write_exchange(exchange(1))
    first.close()
    again = WarcFiles(tmp_path, run_id=5)
    again.started = first.started  # the same name, as a clock that stood still would give
    with pytest.raises(FileExistsError):
        again.write_exchange(exchange(2))
    assert CaptureFiles(tmp_path).page(ref.url, ref.warc_file, ref.offset, ref.length).body


def test_missing_cut_and_wrong_captures_are_capture_errors(tmp_path: Path) -> None:
    warc = WarcFiles(tmp_path, run_id=1)
    ref = warc.write_exchange(exchange(1))
    warc.close()
    files = CaptureFiles(tmp_path)
    with pytest.raises(CaptureError, match="No such file"):
        files.page(ref.url, "warc/gone.warc.gz", 0, 10)
    with pytest.raises(CaptureError, match="cut short"):
        files.page(ref.url, ref.warc_file, ref.offset, ref.length + 10_000)
    with pytest.raises(CaptureError, match="not this page"):
        files.page("http://www.example.cn/other.html", ref.warc_file, ref.offset, ref.length)
    with pytest.raises(CaptureError, match="unreadable"):
        files.page(ref.url, ref.warc_file, ref.offset + 3, ref.length - 3)
