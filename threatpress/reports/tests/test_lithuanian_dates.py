"""Lithuanian dates end in "d." (2026 m. sausio 15 d.): a sentence that ends with one takes no
second full stop, and "m." and "d." never start a line (a no-break space ties them to their
number)."""

from __future__ import annotations

import re

import pytest

from threatpress.conftest import build_edition, publish_all, translate_tree

pytestmark = pytest.mark.django_db
LITHUANIAN_DATE = re.compile("\\d{4}\u00a0m\\. [a-ząčęėįšųūž]+ \\d{1,2}\u00a0d\\.")


def test_a_sentence_ending_in_a_lithuanian_date_has_one_full_stop(client, site_tree):
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=1)
    publish_all(edition)
    copy = translate_tree(edition)
    for url in ("/lt/", copy.url, copy.url + "skale/"):
        text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
        dates = LITHUANIAN_DATE.findall(text)
        assert dates, url  # the page shows a date the way Lithuanian writes it
        assert not re.search(LITHUANIAN_DATE.pattern + r"\s*\.", text), url
