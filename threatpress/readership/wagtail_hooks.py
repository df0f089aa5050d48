from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .counting import count_page_view
from .panels import ReadershipPanel
from .views import ReadershipView, may_view


# A high order makes this the innermost wrapper: it runs only once Wagtail's own checks (view
# restrictions are an on_serve_page wrapper too) and the before_serve_page hooks (a draft above
# the page) have let the request through. Previews never come through here.
@hooks.register("on_serve_page", order=100)
def count_page_views(next_serve_page):
    """Count a page once it is served."""

    def serve_and_count(page, request, args, kwargs):
        response = next_serve_page(page, request, args, kwargs)
        count_page_view(request, page, response)
        return response

    return serve_and_count


@hooks.register("register_admin_urls")
def readership_urls():
    return [path("readership/", ReadershipView.as_view(), name="threatpress_readership")]


class ReadershipMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view(request.user)


@hooks.register("register_admin_menu_item")
def readership_menu_item():
    return ReadershipMenuItem(
        _("Readership"), reverse("threatpress_readership"), icon_name="view", order=270
    )


@hooks.register("register_permissions")
def readership_permission():
    """So that an administrator can grant it to any group in Settings → Groups."""
    return Permission.objects.filter(content_type__app_label="readership")


@hooks.register("construct_homepage_panels")
def readership_panel(request, panels):
    if may_view(request.user):
        panels.append(ReadershipPanel())
