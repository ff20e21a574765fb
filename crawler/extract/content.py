"""An article body element → lines of text, images, attachments and sanitised HTML.

Shared by every layout: a layout only says *which* element holds the body.
"""

from __future__ import annotations

import copy
import re

from lxml import etree, html

from crawler.extract.urls import absolute_url, file_name, is_attachment_url
from crawler.items import Attachment
from crawler.text import clean_line, clean_text, is_chrome_line, strip_glosses

# Elements whose start and end break a line.
BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote br center dd div dl dt figcaption figure footer form "
        "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td th thead tfoot "
        "tr ul"
    ).split()
)
# Elements whose text is never article text.
SKIPPED_TAGS = frozenset(
    ["script", "style", "noscript", "template", "rt", "rp", "rtc", "iframe", "object", "embed"]
)
_UNSAFE_ATTRIBUTE_PREFIX = "on"
LAZY_SRC_ATTRIBUTES = ("data-original", "data-src", "data-lazy-src", "src")
_URL_ATTRIBUTES = frozenset(("href", "src", *LAZY_SRC_ATTRIBUTES))  # made absolute


def is_hidden(element: html.HtmlElement) -> bool:
    """True for an element the page never shows (``display:none``, ``hidden``)."""
    style = element.get("style")
    if style and "none" in style and _DISPLAY_NONE.search(style):
        return True
    return element.get("hidden") is not None


_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def _walk(element: html.HtmlElement, chunks: list[str]) -> None:
    """Collect visible text with "\n" at block boundaries, in document order."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in SKIPPED_TAGS or not tag or is_hidden(element):
        if element.tail:
            chunks.append(element.tail)
        return
    is_block = tag in BLOCK_TAGS
    if is_block:
        chunks.append("\n")
    if element.text:
        chunks.append(element.text)
    for child in element:
        _walk(child, chunks)
    if is_block:
        chunks.append("\n")
    if element.tail:
        chunks.append(element.tail)


def visible_text(element: html.HtmlElement) -> str:
    """The element's shown text, uncleaned: "\n" between blocks, no scripts or hidden parts."""
    chunks: list[str] = [element.text or ""]
    for child in element:
        _walk(child, chunks)
    return "".join(chunks)


def body_lines(element: html.HtmlElement) -> list[str]:
    """Clean lines of the body in page order; chrome lines dropped, nothing else."""
    return lines_of(visible_text(element))


def lines_of(shown_text: str) -> list[str]:
    """``body_lines`` of a body whose ``visible_text`` is ``shown_text``."""
    text = clean_text(shown_text)
    return [line for line in text.split("\n") if not is_chrome_line(line)]


def images(element: html.HtmlElement, base_url: str) -> tuple[str, ...]:
    """Absolute image URLs in page order (lazy-load attributes first), no duplicates."""
    found: dict[str, None] = {}
    for img in element.iter("img"):
        src = next((img.get(a) for a in LAZY_SRC_ATTRIBUTES if img.get(a)), None)
        url = absolute_url(base_url, src) if src else None
        if url:
            found.setdefault(url)
    return tuple(found)


def attachments(element: html.HtmlElement, base_url: str) -> tuple[Attachment, ...]:
    """Links to files in page order, named by their cleaned text or else their file name."""
    found: dict[str, Attachment] = {}
    for link in element.iter("a"):
        url = absolute_url(base_url, link.get("href") or "")
        if url is None or not is_attachment_url(url) or url in found:
            continue
        name = attachment_name(clean_line(link.text_content())) or file_name(url)
        found[url] = Attachment(url=url, name=name)
    return tuple(found.values())


_ATTACHMENT_LABEL = re.compile(r"^附件\s*\d*\s*[:：]?\s*[【\[](?P<name>.+?)[】\]]\s*(?:已下载.*)?$")


def attachment_name(link_text: str) -> str:
    """A link's text without the ``附件【…】已下载N次`` wrapping some CMSs put round a file name."""
    found = _ATTACHMENT_LABEL.match(link_text)
    return found.group("name").strip() if found else link_text


def sanitised_html(element: html.HtmlElement, base_url: str) -> str:
    """The body's inner HTML without scripts, styles, ruby annotations, event handlers or
    glosses, links and image sources absolute."""
    body = copy.deepcopy(element)
    for bad in list(body.iter(*SKIPPED_TAGS, etree.Comment)):
        drop_keep_tail(bad)
    for node in body.iter():
        if isinstance(node.tag, str):
            _clean_node(node, base_url)
    inner = (body.text or "") + "".join(html.tostring(child, encoding="unicode") for child in body)
    return inner.strip()


def _clean_node(node: html.HtmlElement, base_url: str) -> None:
    attributes = node.attrib
    for name in list(attributes) if attributes else ():  # most nodes have none
        if name.lower().startswith(_UNSAFE_ATTRIBUTE_PREFIX):
            del attributes[name]
        elif name in _URL_ATTRIBUTES:
            value = attributes[name]
            if value and (url := absolute_url(base_url, value)):
                attributes[name] = url
    if node.text:
        node.text = strip_glosses(node.text)
    if node.tail:
        node.tail = strip_glosses(node.tail)


def drop_keep_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
