"""Helpers both spiders use: their URL arguments, and the charset a response declares."""

from __future__ import annotations

from scrapy.http import Response
from w3lib.encoding import http_content_type_encoding


def split_urls(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if item.strip()]


def response_charset(response: Response) -> str | None:
    content_type = response.headers.get("Content-Type")
    if not content_type:
        return None
    return http_content_type_encoding(content_type.decode("latin-1"))
