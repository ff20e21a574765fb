"""partyfield: crawl and archive the 黨群園地 (party field) sections of Chinese portal sites."""
