"""Highwire Press `citation_*` tags, as Google Scholar and Zotero read them.

Zotero's "Embedded Metadata" translator makes a *report* of a page that has
`citation_technical_report_institution`, and takes the title, date, publisher, language,
abstract, address and PDF from the other tags; Google Scholar asks for the same tags of a
technical report. Both editions and assessments are reports here. Highwire has no way to say an
author is an organisation, so Zotero splits "State Assessment Office" into a first and a last
name; the organisation is also the institution and publisher, where it stays whole.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from threatpress.discovery.metadata import Description

from .formats import Work


def work_for(described: Description | None, accessed: date | None = None) -> Work | None:
    """The citable work a page is (an edition or an assessment), or None."""
    if described is None or described.kind not in ("edition", "assessment"):
        return None
    return Work(
        kind=described.kind,
        title=described.title,
        organisation=described.organisation,
        published=described.published_date,
        url=described.url,
        accessed=accessed or timezone.localdate(),
        language=described.language,
        container=described.edition_title if described.kind == "assessment" else "",
    )


def author(organisation: str) -> str:
    """The organisation as one `citation_author`. Zotero splits a lone author tag at a comma
    into two people ("Ministry of Defence, Republic of Example"); a closing semicolon marks the
    list as already split, so the name stays one."""
    return f"{organisation};" if "," in organisation else organisation


def highwire(described: Description | None) -> list[tuple[str, str]]:
    work = work_for(described)
    if work is None:
        return []
    tags = [
        ("citation_title", work.title),
        ("citation_author", author(work.organisation)),
        ("citation_publication_date", work.published.strftime("%Y/%m/%d")),
        ("citation_publisher", work.organisation),
        ("citation_technical_report_institution", work.organisation),
        ("citation_language", work.language),
    ]
    if described.description:
        tags.append(("citation_abstract", described.description))
    tags.append(("citation_public_url", work.url))
    if described.pdf_url:
        tags.append(("citation_pdf_url", described.pdf_url))
    return tags
