"""URL helpers: absolute, canonical, fragment-free, and attachment detection."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urljoin, urlsplit

from w3lib.url import canonicalize_url, safe_url_string

from crawler.errors import ConfigError

ATTACHMENT_EXTENSIONS = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "wps",
        "et",
        "dps",
        "ofd",
        "zip",
        "rar",
        "7z",
        "txt",
        "csv",
        "rtf",
    ]
)
_NOT_PAGES = ("javascript:", "mailto:", "tel:", "#", "data:")
# Download scripts that hand out files without an extension in the URL (VSB's download.jsp).
DOWNLOAD_SCRIPTS = ("/system/_content/download.jsp", "/system/resource/code/download.jsp")


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, made safe and without fragment; None if not a link."""
    href = href.strip()
    if not href or href.lower().startswith(_NOT_PAGES):
        return None
    joined = safe_url_string(urljoin(base, href))
    return joined.split("#", 1)[0]


def canonical_url(url: str) -> str:
    """The key an article is stored under: scheme/host lower-cased, query sorted, no fragment."""
    return canonicalize_url(url, keep_fragments=False)


def site_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def file_extension(url: str) -> str:
    return posixpath.splitext(urlsplit(url).path)[1].lstrip(".").lower()


def is_attachment_url(url: str) -> bool:
    """True for links to files (pdf, doc, xls, zip, …), which are recorded, never crawled."""
    if file_extension(url) in ATTACHMENT_EXTENSIONS:
        return True
    path = urlsplit(url).path
    return any(path.endswith(script) for script in DOWNLOAD_SCRIPTS)


def file_name(url: str) -> str:
    """The last path segment, percent-decoded: the fallback name of an attachment."""
    return unquote(posixpath.basename(urlsplit(url).path))


def check_start_url(url: str) -> str:
    """``url`` if it can start a crawl (absolute http/https with a host); else ConfigError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"not an http(s) URL: {url!r}")
    return url
