"""Redirects that cannot end, or that leave the site, become failures the run records.

Scrapy's own redirect middleware hands a looping redirect (``A → A?x → A``) to the duplicate
filter, which drops it without a word, and lets the off-site filter drop a redirect to another
host just as silently. Here both end in the request's errback with a reason, as does a chain
longer than ``REDIRECT_MAX_TIMES``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest


def same_site(host: str, other: str) -> bool:
    """Hosts of one site: equal, or equal but for a leading ``www.``."""
    return host.removeprefix("www.") == other.removeprefix("www.")


class CheckedRedirectMiddleware(RedirectMiddleware):
    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise IgnoreRequest("redirect loop: " + " → ".join([*chain, redirected.url]))
        origin = urlsplit(chain[0]).hostname or ""
        target = urlsplit(redirected.url).hostname or ""
        if not same_site(origin, target):
            raise IgnoreRequest(f"redirected to another site: {redirected.url}")
        try:
            followed = super()._redirect(redirected, request, reason)
        except IgnoreRequest:
            raise IgnoreRequest(f"more than {self.max_redirect_times} redirects") from None
        followed.meta["allow_offsite"] = True  # checked above: www.a.cn → a.cn is the same site
        return followed
