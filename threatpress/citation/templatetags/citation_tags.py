from django import template

from threatpress.citation.formats import citations
from threatpress.citation.highwire import highwire, work_for

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
    return {"work": work, "citations": citations(work)}
