from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Region


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "globe"
    menu_label = _("Countries & regions")
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    add_to_admin_menu = True
    menu_order = 250


register_snippet(RegionViewSet)
