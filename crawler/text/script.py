"""Traditional → Simplified, for script-blind search (the archive keeps the original)."""

from __future__ import annotations

from functools import lru_cache

from opencc import OpenCC


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in Simplified characters (OpenCC t2s, phrase-aware); Simplified text is kept."""
    return _converter().convert(text) if text else text
