"""A crawl shared by several machines through Redis (``crawl --redis`` and ``worker``).

Built on scrapy-redis: its scheduler and shared duplicate filter, extended where a plain
scrapy-redis crawl loses work. A request taken from the shared queue is *leased* to its
process with a deadline the process keeps renewing; it is settled only once its outcome is
in the archive, so a killed worker's requests go back to the queue. Outcomes travel to the
coordinator, the archive's only writer, on a Redis Stream read by a consumer group and
acknowledged after the SQLite commit. Every site's delay and concurrency hold across all
processes (``crawler.shared.pace``).

Modules: ``link`` (connecting, versions, keys), ``queue`` (the leased queue), ``scheduler``,
``results`` (what a fetch sends back), ``pace``, ``coordinator``, ``worker``.
"""
