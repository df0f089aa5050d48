from django import template
from django.utils.safestring import mark_safe

from threatpress.citation.formats import AccessDate, citations
from threatpress.citation.highwire import highwire, work_for
from threatpress.discovery.metadata import og_locale

register = template.Library()


@register.inclusion_tag("citation/meta.html")
def citation_meta(described) -> dict:
    """The page's Highwire `citation_*` tags (editions and assessments)."""
    return {"tags": highwire(described)}


@register.inclusion_tag("citation/cite.html")
def cite_this(described) -> dict:
    """The "Cite this" control (editions and assessments): APA, Chicago and BibTeX."""
    work = work_for(described)
    if work is None:
        return {"work": None}
    accessed = AccessDate(work.accessed)
    return {
        "work": work,
        "citations": citations(work),
        "accessed": mark_safe(accessed.html),  # noqa: S308 (AccessDate.html escapes its text)
        # For the script's date format: "en-GB" writes 5 November 2026, "lt-LT" 2026 m. …
        "locale": og_locale(work.language).replace("_", "-"),
    }
