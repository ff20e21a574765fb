"""One walk over a page's structural elements, shared by layout choice and every reader.

On a portal-weight page (~1,800 elements, most of them a mega-menu's links) any pass over
the tree costs about 0.12 ms, whether an XPath or ``iter(tag)``: more than reading the
article itself once its container is known. So the divs, tds, forms, articles, headings and
ruby annotations are collected in one walk, in document order, and every test that used to
be a page-wide XPath (a family's markers, its body container, the breadcrumb, the headline
candidates) filters that list instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, NamedTuple

from lxml.etree import XPath
from lxml.html import HtmlElement
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

WALKED_TAGS = frozenset(("div", "td", "form", "article", "h1", "h2", "h3", "rt", "rp", "rtc"))


class PageSelector(Selector):
    """A parsel Selector that remembers one walk over its tree's ``WALKED_TAGS`` elements.

    The walk is taken at the first ``elements()`` call, after the tree is final (ruby
    annotations dropped); extraction never edits the tree after that (``sanitised_html``
    edits a copy).
    """

    __slots__ = ("_walked",)

    def elements(self, *tags: str) -> list[HtmlElement]:
        """The elements with one of ``tags`` (all in ``WALKED_TAGS``), in document order."""
        unknown = set(tags) - WALKED_TAGS
        if unknown:
            raise ValueError(f"not walked: {sorted(unknown)}")
        return [element for element in self._walk() if element.tag in tags]

    def forget_walk(self) -> None:
        """Walk again at the next ``elements()`` call: the tree was edited."""
        if hasattr(self, "_walked"):
            del self._walked

    def _walk(self) -> list[HtmlElement]:
        try:
            return self._walked
        except AttributeError:
            self._walked: list[HtmlElement] = list(self.root.iter(*WALKED_TAGS))
            return self._walked


Test = Literal["=", "in", "starts", "word", ""]


class Marker(NamedTuple):
    """An element test the way an XPath names it: ``div[@id='zoom']`` is
    ``Marker("div", "id", "=", "zoom")``; ``in`` is ``contains()``, ``starts`` is
    ``starts-with()``, ``word`` is a CSS class selector's whole-word test, "" tests the tag."""

    tag: str
    attribute: str = ""
    test: Test = ""
    value: str = ""

    def attribute_test(self) -> Callable[[HtmlElement], bool]:
        """The attribute test alone, for an element known to have the tag: one closure per
        kind, since Markers run it on every walked element of the tag."""
        name, value = self.attribute, self.value
        if self.test == "=":
            return lambda element: element.get(name) == value
        if self.test == "in":
            return lambda element: value in (element.get(name) or "")
        if self.test == "starts":
            return lambda element: (element.get(name) or "").startswith(value)
        if self.test == "word":
            return lambda element: value in (element.get(name) or "").split()
        return _any_element


def _any_element(element: HtmlElement) -> bool:
    return True


class Markers:
    """Markers in rank order, grouped by tag so that each walked element meets only the
    markers of its own tag (a page walk has ~150 elements; a family has up to a dozen)."""

    __slots__ = ("_by_tag",)

    def __init__(self, *markers: Marker) -> None:
        by_tag: dict[str, list[tuple[int, Callable[[HtmlElement], bool]]]] = {}
        for rank, marker in enumerate(markers):
            by_tag.setdefault(marker.tag, []).append((rank, marker.attribute_test()))
        self._by_tag = MappingProxyType({tag: tuple(found) for tag, found in by_tag.items()})

    def rank(self, element: HtmlElement) -> int | None:
        """The rank of the first marker ``element`` matches, or None."""
        for rank, test in self._by_tag.get(element.tag, ()):
            if test(element):
                return rank
        return None

    def first(self, sel: PageSelector) -> HtmlElement | None:
        """The first element in document order that any marker matches."""
        for element in sel.elements(*self._by_tag):
            if self.rank(element) is not None:
                return element
        return None

    def all(self, sel: PageSelector) -> list[HtmlElement]:
        """Every element, in document order, that any marker matches."""
        return [e for e in sel.elements(*self._by_tag) if self.rank(e) is not None]

    def best(self, sel: PageSelector) -> HtmlElement | None:
        """The first element the highest-ranked marker that matches any finds."""
        best: tuple[int, HtmlElement] | None = None
        for element in sel.elements(*self._by_tag):
            rank = self.rank(element)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, element)
        return best[1] if best is not None else None


@lru_cache(maxsize=256)
def css(query: str) -> XPath:
    """A CSS selector compiled once into an XPath to call on an element: what parsel's
    ``.css()`` selects, without translating the query and building an evaluator and a
    Selector per match on every call."""
    return XPath(HTMLTranslator().css_to_xpath(query))
