from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from threatpress.caching import fragments
from threatpress.reports.models import EditionPage

from .admin_views import ReleaseEditionView, ReleasesIndexView, releasable_editions
from .media_views import is_editor
from .preview_link_admin import (
    CreatePreviewLinkView,
    PreviewLinkDetailView,
    PreviewLinksIndexView,
    may_manage,
)
from .release import can_release


@hooks.register("before_serve_page")
def refuse_pages_under_unpublished_parents(page, request, serve_args, serve_kwargs):
    """A live page under a draft edition or chapter is not public: answer 404, as for a draft.
    (The answer is remembered until the next structural purge: every request asks it.)"""
    if fragments.hidden_by_tree(page):
        raise Http404


@hooks.register("before_serve_document")
def refuse_documents_no_public_page_uses(document, request):
    """A document attached only to embargoed or draft pages does not exist for readers."""
    if not is_editor(request) and not fragments.is_public_file(document):
        raise Http404


@hooks.register("register_admin_urls")
def release_urls():
    return [
        path("releases/", ReleasesIndexView.as_view(), name="threatpress_releases"),
        path(
            "releases/edition/<id:page_id>/",
            ReleaseEditionView.as_view(),
            name="threatpress_release_edition",
        ),
        path("preview-links/", PreviewLinksIndexView.as_view(), name="threatpress_preview_links"),
        path(
            "preview-links/new/<id:page_id>/",
            CreatePreviewLinkView.as_view(),
            name="threatpress_create_preview_link",
        ),
        path(
            "preview-links/<id:link_id>/",
            PreviewLinkDetailView.as_view(),
            name="threatpress_preview_link",
        ),
    ]


class ReleasesMenuItem(MenuItem):
    def is_shown(self, request):
        return any(True for _ in releasable_editions(request.user))


@hooks.register("register_admin_menu_item")
def releases_menu_item():
    return ReleasesMenuItem(
        _("Releases"), reverse("threatpress_releases"), icon_name="date", order=250
    )


class ReleaseEditionButton(PageMenuItem):
    label = _("Release…")
    icon_name = "date"
    url_name = "threatpress_release_edition"

    def is_shown(self, user):
        return can_release(user, self.page)  # offered on unreleased editions only (below)


@hooks.register("register_page_header_buttons")
def release_button(page, user, view_name=None, next_url=None):
    if page.live or page.specific_class is not EditionPage:
        return
    yield ReleaseEditionButton(page=page, priority=62)


class PublishersMenuItem(MenuItem):
    """Shown to users who may publish somewhere (Publishers, superusers)."""

    def is_shown(self, request):
        return PagePermissionPolicy().user_has_permission(request.user, "publish")


@hooks.register("register_admin_menu_item")
def preview_links_menu_item():
    return PublishersMenuItem(
        _("Preview links"), reverse("threatpress_preview_links"), icon_name="link", order=260
    )


class PreviewLinkButton(PageMenuItem):
    label = _("Preview link…")
    icon_name = "link"
    url_name = "threatpress_create_preview_link"

    def is_shown(self, user):
        return may_manage(user, self.page)


@hooks.register("register_page_header_buttons")
def preview_link_button(page, user, view_name=None, next_url=None):
    if not page.is_root():
        yield PreviewLinkButton(page=page, priority=63)
