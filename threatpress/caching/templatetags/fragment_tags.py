"""`{% remembered %}`: a part of a page rendered once and kept until the next purge.

    {% load fragment_tags %}
    {% remembered "assessment-main" page.pk page.live_revision_id today %}...{% endremembered %}

The block's HTML is kept with the other fragments (threatpress/caching/fragments.py): in this
process, filed under the purge generation read before rendering, dropped by every purge (a
correction included), never stored inside a transaction. The key is the kind, the values given,
the active language and the address the reader asked (scheme and host, for absolute links). The
values must name everything else the block shows: for a page's own text, its id and live
revision.

Nothing is kept or read in a preview (Wagtail's or a preview link): a draft has the live page's
id and live revision, so its text would be filed under the published one's key
(wagtail/wagtail#5074 is that failure). Side effects of rendering the block (wagtail-footnotes
collects a page's footnotes while rendering its body) are not replayed: put the parts that read
them inside the same block.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from threatpress.caching import fragments

register = template.Library()


class RememberedNode(template.Node):
    def __init__(self, kind: template.base.FilterExpression, values, nodelist) -> None:
        self.kind = kind
        self.values = values
        self.nodelist = nodelist

    def render(self, context) -> SafeString:
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        key = (
            *(value.resolve(context) for value in self.values),
            get_language(),
            request.scheme,
            request.get_host(),
        )
        return fragments.remember(
            str(self.kind.resolve(context)),
            key,
            lambda: mark_safe(self.nodelist.render(context)),  # noqa: S308 (rendered template)
        )


@register.tag
def remembered(parser, token) -> RememberedNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% remembered %} needs a kind, then key values.")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    kind, *values = (parser.compile_filter(bit) for bit in bits[1:])
    return RememberedNode(kind, values, nodelist)
