"""partyfield: crawl and archive the 黨群園地 (party field) sections of Chinese portal sites."""

import os

# pypinyin loads its phrase dictionary on import (about 45 MB in every process) unless this is
# set. partyfield looks up the readings of single characters, which that dictionary does not
# change (tests/test_gloss.py checks it); the crawl and each extraction process save the memory.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
