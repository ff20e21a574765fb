"""The page's one walk and the markers read from it select what the XPaths they replace did."""

from __future__ import annotations

import pytest

from crawler.extract import selector_for
from crawler.extract.walk import Marker, Markers, css

PAGE = """<html><head><title>t</title></head><body>
<div id="a1" class="box p_NewsDetail-x">one</div>
<div id="vsb_content_2" class="v_news_content wide">two</div>
<table><tr><td id="zoom">three</td></tr></table>
<div id="zoom" class="p_NewsDetail">four<ruby>党<rt>dǎng</rt></ruby></div>
<h2 class="title">five</h2>
</body></html>"""


@pytest.mark.parametrize(
    ("marker", "xpath"),
    [
        (Marker("div", "id", "=", "zoom"), "//div[@id='zoom']"),
        (Marker("div", "class", "in", "p_NewsDetail"), "//div[contains(@class,'p_NewsDetail')]"),
        (Marker("div", "id", "starts", "vsb_content"), "//div[starts-with(@id,'vsb_content')]"),
        (Marker("td", "id", "=", "zoom"), "//td[@id='zoom']"),
        (Marker("div"), "//div"),
    ],
)
def test_a_marker_selects_what_its_xpath_does(marker: Marker, xpath: str) -> None:
    sel = selector_for(PAGE)
    assert Markers(marker).all(sel) == sel.root.xpath(xpath)


def test_a_word_marker_is_a_css_class_selector() -> None:
    sel = selector_for(PAGE)
    assert Markers(Marker("div", "class", "word", "p_NewsDetail")).all(sel) == list(
        css("div.p_NewsDetail")(sel.root)
    )


def test_first_is_in_page_order_and_best_follows_the_markers_order() -> None:
    sel = selector_for(PAGE)
    markers = Markers(Marker("div", "id", "=", "zoom"), Marker("div", "id", "=", "a1"))
    first = markers.first(sel)
    assert first is not None and first.get("id") == "a1"
    best = markers.best(sel)
    assert best is not None and best.get("id") == "zoom"
    assert markers.rank(best) == 0


def test_the_walk_is_taken_after_ruby_annotations_are_dropped() -> None:
    sel = selector_for(PAGE)
    assert sel.elements("rt", "rp", "rtc") == []
    assert "dǎng" not in "".join(sel.root.itertext())


def test_asking_for_a_tag_the_walk_does_not_take_is_an_error() -> None:
    with pytest.raises(ValueError, match="not walked"):
        selector_for(PAGE).elements("h2", "span")
