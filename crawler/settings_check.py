"""``-s NAME=VALUE`` checked before a crawl starts: known names, the right type, a sane range.

A misspelled name is warned about with the nearest known one; a value of the wrong type or
out of range is a ``ConfigError`` (exit status 2), never a traceback or a crawl that hangs
(``CONCURRENT_REQUESTS_PER_DOMAIN=0`` would never send a request).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from typing import Any

from scrapy.settings import Settings, default_settings

from crawler import settings as project_settings
from crawler.errors import ConfigError

# Settings whose value must be at least this much (counts, delays, sizes, ratios).
MINIMUM: dict[str, float] = {
    "CONCURRENT_REQUESTS": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "CONCURRENT_ITEMS": 1,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 0.001,
    "DOWNLOAD_MAXSIZE": 0,
    "RETRY_TIMES": 0,
    "REDIRECT_MAX_TIMES": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "AUTOTHROTTLE_MAX_DELAY": 0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 0.001,
    "PARTYFIELD_MAX_ERROR_RATIO": 0,
    "PARTYFIELD_PROGRESS_INTERVAL": 0,
    "PARTYFIELD_RETRY_PAUSE": 0,
    "PARTYFIELD_LEASE_SECONDS": 1,
    "PARTYFIELD_EXTRACT_PROCESSES": 0,
}
MAXIMUM: dict[str, float] = {"PARTYFIELD_MAX_ERROR_RATIO": 1, "PARTYFIELD_EXTRACT_PROCESSES": 64}


def known_settings() -> dict[str, Any]:
    """Every setting Scrapy or partyfield defines, with its default."""
    names = {**vars(default_settings), **vars(project_settings)}
    return {name: value for name, value in names.items() if name.isupper()}


def check_overrides(overrides: dict[str, str], warn: Callable[[str], None]) -> dict[str, Any]:
    """The ``-s`` values converted to their settings' types; raises ConfigError on bad ones."""
    known = known_settings()
    checked: dict[str, Any] = {}
    for name, text in overrides.items():
        if name not in known:
            warn(_unknown(name, known))
            checked[name] = text
            continue
        checked[name] = _converted(name, text, known[name])
    return checked


def _unknown(name: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    hint = f"; did you mean {close[0]}?" if close else ""
    kind = "partyfield" if name.startswith("PARTYFIELD_") else "Scrapy or partyfield"
    return f"-s {name}: no {kind} setting has this name{hint}"


def _converted(name: str, text: str, default: Any) -> Any:
    getter = _GETTERS.get(type(default))
    if getter is None:
        return text
    try:
        value = getter(Settings({name: text}), name)
    except (ValueError, TypeError, json.JSONDecodeError):
        raise ConfigError(f"-s {name}={text}: expected {_KIND[type(default)]}") from None
    low, high = MINIMUM.get(name), MAXIMUM.get(name)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"
        raise ConfigError(f"-s {name}={text}: must be {bounds}")
    return value


def _number(settings: Settings, name: str) -> int | float:
    """Whole-number settings accept any number (DOWNLOAD_TIMEOUT=2.5 is fine with Scrapy)."""
    value = settings.getfloat(name)
    return int(value) if value.is_integer() else value


_GETTERS: dict[type, Callable[[Settings, str], Any]] = {
    bool: Settings.getbool,
    int: _number,
    float: Settings.getfloat,
    dict: Settings.getdict,
    list: Settings.getlist,
}
_KIND = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    dict: "a JSON object",
    list: "a comma-separated list",
}
