"""A small HTTP server for fixture sites on loopback.

Serves the files of a site folder, answers ``/comp/<kind>/list.do`` (GET query or form POST)
from ``_listdo/<cid>/<page>.html`` the way the yun300 portal does and Hanweb's
``dataproxy.jsp`` from ``_dataproxy/<columnid>.json``, honours ``site.json`` (HTTP charset
or none, forced status codes, slow pages, pages that fail their first requests with a 503 or a
dropped connection, redirects), supports conditional GET (ETag / Last-Modified), and logs
every request with its time so tests can count and space them.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import mimetypes
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class RequestLog:
    entries: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    times: list[float] = field(default_factory=list)  # time.monotonic() of each request's arrival
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, method: str, path: str, status: int, arrived: float | None = None) -> None:
        with self.lock:
            self.entries.append((method, path, status))
            self.times.append(time.monotonic() if arrived is None else arrived)

    def paths(self, prefix: str = "") -> list[str]:
        with self.lock:
            return [path for _m, path, _s in self.entries if path.startswith(prefix)]

    def arrivals(self, prefix: str = "") -> list[float]:
        """Arrival times of the requests for paths starting with ``prefix``, in order."""
        with self.lock:
            pairs = zip(self.entries, self.times, strict=True)
            return sorted(t for (_m, path, _s), t in pairs if path.startswith(prefix))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


@dataclass
class SiteServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    log: RequestLog


def _site_config(root: Path) -> dict[str, object]:
    path = root / "site.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def _handler(root: Path, log: RequestLog) -> type[BaseHTTPRequestHandler]:
    failures_so_far: dict[str, int] = {}
    counter_lock = threading.Lock()

    def fails_now(key: str, config: dict[str, object]) -> bool:
        """True while ``key`` has failed fewer times than site.json's ``fail_first`` says."""
        limits = config.get("fail_first") or {}
        assert isinstance(limits, dict)
        if key not in limits:
            return False
        with counter_lock:
            failures_so_far[key] = failures_so_far.get(key, 0) + 1
            return failures_so_far[key] <= int(limits[key])

    class Handler(BaseHTTPRequestHandler):
        server_version = "yun300-fixture/1.0"
        arrived = 0.0  # time.monotonic() when the request being answered arrived

        def log_message(self, format: str, *args: object) -> None:  # quiet: the log says all
            pass

        def end_headers(self) -> None:
            # HTTP/1.0, one request per connection, said out loud: a client must not send the
            # next request on this connection after the server has closed it.
            self.send_header("Connection", "close")
            super().end_headers()

        def do_GET(self) -> None:
            self._answer(self._query())

        def do_HEAD(self) -> None:
            self._answer(self._query(), head=True)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            self._answer({**self._query(), **form})

        def _query(self) -> dict[str, list[str]]:
            return parse_qs(urlsplit(self.path).query)

        def _answer(self, params: dict[str, list[str]], head: bool = False) -> None:
            self.arrived = time.monotonic()
            path = urlsplit(self.path).path
            config = _site_config(root)
            status_overrides = config.get("status") or {}
            redirects = config.get("redirect") or {}
            assert isinstance(status_overrides, dict) and isinstance(redirects, dict)
            if path in status_overrides:
                return self._send_status(path, int(status_overrides[path]))
            if fails_now(_failure_key(path, params), config):
                return self._fail(path, str(config.get("failure") or "503"))
            target = redirects[self.path] if self.path in redirects else redirects.get(path)
            if target:
                return self._send_redirect(path, str(target))
            delays = config.get("delay") or {}
            assert isinstance(delays, dict)
            if path in delays:
                time.sleep(float(delays[path]))  # a slow server, for tests that need one
            if path.endswith(HANWEB_PROXY):
                return self._send_records(path, params, head)
            file = self._file_for(path, params)
            if file is None or not file.is_file():
                return self._send_status(path, 404)
            self._send_file(path, file, config.get("charset"), head)

        def _send_records(self, path: str, params: dict[str, list[str]], head: bool) -> None:
            """dataproxy.jsp: the column's records startrecord…endrecord, as Hanweb's XML."""
            column = params.get("columnid", [""])[0]
            file = root / "_dataproxy" / f"{column}.json"
            if not (column.isdigit() and file.is_file()):
                return self._send_status(path, 404)
            records = json.loads(file.read_text("utf-8"))
            start = int(params.get("startrecord", ["1"])[0])
            end = int(params.get("endrecord", [str(len(records))])[0])
            body = (
                '<?xml version="1.0" encoding="UTF-8"?><datastore>'
                f"<totalrecord>{len(records)}</totalrecord><recordset>"
                + "".join(records[start - 1 : end])
                + "</recordset></datastore>"
            ).encode()
            log.add(self.command, path, 200, self.arrived)
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _file_for(self, path: str, params: dict[str, list[str]]) -> Path | None:
            if path.endswith("/list.do"):
                cid = params.get("cid", [""])[0]
                page = params.get("currentPage", ["1"])[0]
                if not (cid.isdigit() and page.isdigit()):
                    return None
                return root / "_listdo" / cid / f"{int(page)}.html"
            target = (root / path.lstrip("/")).resolve()
            if root.resolve() not in target.parents and target != root.resolve():
                return None
            return target / "index.html" if target.is_dir() else target

        def _fail(self, path: str, mode: str) -> None:
            if mode == "drop":  # the connection closes before any answer
                log.add(self.command, path, 0, self.arrived)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._send_status(path, int(mode))

        def _send_redirect(self, path: str, location: str) -> None:
            log.add(self.command, path, 302, self.arrived)
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send_status(self, path: str, status: int) -> None:
            log.add(self.command, path, status, self.arrived)
            body = f"<html><body><h1>{status}</h1></body></html>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_file(self, path: str, file: Path, charset: object, head: bool) -> None:
            body = file.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            modified = email.utils.formatdate(file.stat().st_mtime, usegmt=True)
            if self._not_modified(etag, file.stat().st_mtime):
                log.add(self.command, path, 304, self.arrived)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            log.add(self.command, path, 200, self.arrived)
            self.send_response(200)
            self.send_header("Content-Type", _content_type(file, charset))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _not_modified(self, etag: str, mtime: float) -> bool:
            if self.command != "GET":
                return False
            if self.headers.get("If-None-Match"):
                return etag in self.headers["If-None-Match"]
            since = self.headers.get("If-Modified-Since")
            if since:
                parsed = email.utils.parsedate_to_datetime(since)
                return parsed is not None and int(mtime) <= parsed.timestamp()
            return False

    return Handler


HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"


def _failure_key(path: str, params: dict[str, list[str]]) -> str:
    """How site.json's ``fail_first`` names a request: list.do and dataproxy.jsp by the page
    they ask for, everything else by its path."""
    if path.endswith("/list.do"):
        return f"{path}?currentPage={params.get('currentPage', ['1'])[0]}"
    if path.endswith(HANWEB_PROXY):
        return f"{path}?startrecord={params.get('startrecord', ['1'])[0]}"
    return path


def _content_type(file: Path, charset: object) -> str:
    if file.suffix in (".html", ".htm", ".do"):
        return f"text/html; charset={charset}" if charset else "text/html"
    if file.name == "robots.txt":
        return "text/plain"
    return mimetypes.guess_type(file.name)[0] or "application/octet-stream"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a request held by a slow page must not hold up the shutdown
    request_queue_size = 128  # socketserver's default (5) refuses bursts of parallel requests


@contextmanager
def serve(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[SiteServer]:
    """Serve the site folder ``root`` on ``host:port`` (0: any free port) in a thread."""
    log = RequestLog()
    httpd = _Server((host, port), _handler(Path(root), log))
    thread = threading.Thread(target=httpd.serve_forever, name="fixture-site", daemon=True)
    thread.start()
    try:
        yield SiteServer(f"http://{host}:{httpd.server_address[1]}", log)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
