"""The baseline of ``bench.crawl_speed``: a bare Scrapy spider that fetches exactly the pages a
partyfield crawl of a yun300 section fetches (robots.txt, page 1, every list.do page, every
article) and does nothing else: no extraction, no storage, no middleware of partyfield's.

Run by ``bench.crawl_speed`` as ``python -m bench.bare_spider URL``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import FormRequest, Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

TOTAL_PAGE = re.compile(r"totalPage\s*:\s*\"(\d+)\"")
COMPONENT = re.compile(r'id="c_(portalResNews_list-\d+)"')
ARTICLE = re.compile(r'href="(/news/\d+\.html)"')
SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
}


class BareSpider(Spider):
    name = "bare"

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.start_url, callback=self.parse_first)

    def parse_first(self, response: Response) -> Iterator[Request]:
        text = response.text
        yield from self.articles(response)
        component, cid = COMPONENT.search(text), re.search(r"/news/(\d+)/", response.url)
        pages = int(TOTAL_PAGE.search(text).group(1))  # type: ignore[union-attr]
        for page in range(2, pages + 1):
            form = {"compId": component.group(1), "cid": cid.group(1),  # type: ignore[union-attr]
                    "currentPage": str(page), "pageSize": "10"}  # fmt: skip
            yield FormRequest(response.urljoin("/comp/portalResNews/list.do"), formdata=form,
                              callback=self.articles, dont_filter=True)  # fmt: skip

    def articles(self, response: Response) -> Iterator[Request]:
        for path in dict.fromkeys(ARTICLE.findall(response.text)):
            yield Request(response.urljoin(path), callback=self.ignore)

    def ignore(self, response: Response) -> None:
        return None


def main() -> None:
    process = CrawlerProcess(SETTINGS)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_url=sys.argv[1])
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(stats.get("response_received_count", 0), stats.get("elapsed_time_seconds", 0))


if __name__ == "__main__":
    main()
