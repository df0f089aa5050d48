"""The part of Zotero's "Embedded Metadata" translator that reads Highwire tags, in Python.

Zotero's browser connector saves a page with this translator when no site-specific one applies
(zotero/translators, "Embedded Metadata.js", last updated 2024-06-13). What it does with
`citation_*` tags, step by step as there:

1. Item type: it walks the meta tags in order; `citation_journal_title` makes a journal article,
   `citation_technical_report_institution` a report, `citation_conference_title` a conference
   paper, `citation_book_title`/`citation_inbook_title` a book section,
   `citation_dissertation_institution` a thesis (the last such tag wins); `citation_title`
   alone only guesses a journal article. The Highwire type beats what Open Graph suggests.
2. Fields: for each Highwire name in its mapping, in order, the first `<meta>` whose name ends
   with it (CSS `[name$=…]`); later names of the same field win (`citation_date` over
   `citation_publication_date`). Whitespace is collapsed.
3. Authors: `citation_author` tags (else `citation_authors`), each split at semicolons; a single
   tag without one is split at commas when both sides have a space. Each name then goes through
   `cleanAuthor`: "Last, First" with a comma, else the last word is the last name. An
   organisation's name is therefore split too; Highwire cannot mark a name as an institution.
4. `citation_pdf_url` becomes the "Full Text PDF" attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

HIGHWIRE_MAPPINGS = {
    "citation_title": "title",
    "citation_publication_date": "date",
    "citation_cover_date": "date",
    "citation_date": "date",
    "citation_journal_title": "publicationTitle",
    "citation_journal_abbrev": "journalAbbreviation",
    "citation_inbook_title": "publicationTitle",
    "citation_book_title": "bookTitle",
    "citation_volume": "volume",
    "citation_issue": "issue",
    "citation_series_title": "series",
    "citation_conference_title": "conferenceName",
    "citation_conference": "conferenceName",
    "citation_dissertation_institution": "university",
    "citation_technical_report_institution": "institution",
    "citation_technical_report_number": "number",
    "citation_publisher": "publisher",
    "citation_isbn": "ISBN",
    "citation_abstract": "abstractNote",
    "citation_doi": "DOI",
    "citation_public_url": "url",
    "citation_language": "language",
}
TYPES = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_conference": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_inbook_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}
GUESSES = {"citation_title": "journalArticle", "citation_series_title": "journalArticle"}
# Zotero's base fields: a report's institution is its publisher.
BASE_FIELDS = {"report": {"publisher": "institution"}}


@dataclass
class Item:
    item_type: str | None
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[dict[str, str]] = field(default_factory=list)
    pdf: str | None = None


def _trim(value: str) -> str:
    return " ".join(value.split())


def clean_author(name: str, use_comma: bool) -> dict[str, str]:
    name = re.sub(r"^[\s.,/\[\]:]+", "", name)
    name = re.sub(r"[\s,/\[\]:.]+$", "", name)
    name = re.sub(r"  +", " ", name, count=1)
    if use_comma:
        parts = re.split(r"[,:] *", name)
        return {"lastName": parts[0], "firstName": parts[1] if len(parts) > 1 else ""}
    if " " not in name:
        return {"lastName": name, "firstName": ""}
    first, last = name.rsplit(" ", 1)
    return {"lastName": last, "firstName": first}


def read(html: str) -> Item:
    soup = BeautifulSoup(html, "html.parser")
    metas = [
        (meta.get("name") or meta.get("property") or "", meta.get("content") or "")
        for meta in soup.select("html > head > meta")
    ]
    hw_type = guess = None
    for names, value in metas:
        if not names or not value:
            continue
        for tag in names.split():
            short = tag[tag.rfind("citation_") :] if "citation_" in tag else tag
            hw_type = TYPES.get(short, hw_type)
            guess = guess or GUESSES.get(short)
    item = Item(item_type=hw_type or guess)
    for highwire, zotero in HIGHWIRE_MAPPINGS.items():
        value = next((v for n, v in metas if n.endswith(highwire) and v.strip()), None)
        if value:
            zotero = BASE_FIELDS.get(item.item_type, {}).get(zotero, zotero)
            item.fields[zotero] = _trim(value)
    authors = [v for n, v in metas if n.endswith("citation_author")] or [
        v for n, v in metas if n.endswith("citation_authors")
    ]
    last = None
    for node in authors:
        names = re.split(r"\s*;\s*", node)
        if len(names) == 1 and len(authors) == 1:
            by_comma = re.split(r"\s*,\s*", names[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                names = by_comma
        for name in names:
            name = name.strip()
            if not re.search(r"[^\s,\-.;]", name) or name == last:
                continue
            last = name
            item.creators.append(clean_author(name, "," in name))
    item.pdf = next((v for n, v in metas if n.endswith("citation_pdf_url")), None)
    return item
