"""What every ThreatPress page shares, the standing information pages and the site settings."""

from __future__ import annotations

import functools

from django.db import models
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from threatpress.caching import fragments
from threatpress.caching.routes import own_copy
from threatpress.core.blocks import InformationStreamBlock
from threatpress.core.tree_paths import ancestor_paths

# Request attribute holding the pages routing has walked, by tree path (BasePage.route).
ROUTED_PAGES = "_threatpress_routed_pages"
# Routing reads a parent's children all at once up to this many (child_for_routing).
CHILDREN_AT_ONCE = 100


class BasePage(Page):
    """Abstract parent of every page type: SEO fields, search fields and breadcrumb helpers."""

    show_in_menus_default = False
    # True where publishing only a page's own text (body, summary) purges only the text
    # generation (caching/signals.py: assessments), so what is remembered of it must go then.
    own_text_purges = False
    # Pages that a reader reaches only through their parent's listing do not need their own
    # search description, but every page may override the social/search summary.
    promote_panels = [
        MultiFieldPanel(
            [FieldPanel("slug"), FieldPanel("seo_title"), FieldPanel("search_description")],
            heading=_("For search engines"),
        ),
    ]
    # The page's words as stems of its language, beside the words themselves: the public search
    # looks for a reader's stemmed words in these (threatpress/search/text.py).
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_title_stems", boost=2),
        index.SearchField("search_text_stems"),
    ]

    class Meta:
        abstract = True

    def search_title_stems(self) -> str:
        from threatpress.search.text import indexed_text, language_of, stem_text

        return stem_text(indexed_text(self, title=True), language_of(self))

    def search_text_stems(self) -> str:
        from threatpress.search.text import indexed_text, language_of, stem_text

        return stem_text(indexed_text(self, title=False), language_of(self))

    @classmethod
    def crumb_label(cls, page: Page) -> str:
        """Short label for a page of this type in a breadcrumb trail (works on a plain Page)."""
        return Truncator(page.title).words(8)

    @cached_property
    def ancestors_for_breadcrumbs(self) -> list[Page]:
        """Ancestors below the tree root as plain pages, in one query."""
        return list(self.get_ancestors().filter(depth__gt=1))

    def route(self, request, path_components):
        # Remember the pages Wagtail walks on its way to the served one: they are its ancestors,
        # read in this request, so the breadcrumbs need no query of their own.
        request.__dict__.setdefault(ROUTED_PAGES, {})[self.path] = self
        if not path_components:
            return super().route(request, path_components)
        # Wagtail's step down one level (Page.route), with the children remembered until the
        # next purge: after a release every page of an edition is routed again, and all of them
        # pass through the same home, reports, edition and chapter pages.
        child = child_for_routing(self, path_components[0])
        if child is None:
            raise Http404
        child = own_copy(child)
        child._cached_parent_obj = self  # as Wagtail does: get_parent() needs no query
        return child.route(request, path_components[1:])

    def routed_ancestors(self, request) -> list[Page] | None:
        """The ancestors below the tree root (as `ancestors_for_breadcrumbs`) if routing this
        request has read every one of them, else None."""
        walked = getattr(request, ROUTED_PAGES, {})
        paths = ancestor_paths(self.path)
        if not all(path in walked for path in paths):
            return None
        return [walked[path] for path in paths]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        routed = self.routed_ancestors(request)
        context["breadcrumbs"] = self.ancestors_for_breadcrumbs if routed is None else routed
        return context

    def get_view_restrictions(self):
        """Wagtail's answer (a query set of the restrictions here and above), with the rows
        remembered until the next structural purge: Wagtail asks on every page it serves, in two
        queries, and any change to a restriction is a purge (threatpress/caching/signals.py).
        Query-set methods other than iterating (the admin's `.order_by()`) still read the
        database."""
        from wagtail.models import PageViewRestriction

        def look_up() -> list[PageViewRestriction]:
            return list(super(BasePage, self).get_view_restrictions())

        # Most sites restrict nothing: then no page needs its own look-up.
        anywhere = fragments.remember(
            "any-view-restrictions",
            None,
            PageViewRestriction.objects.exists,
            only_where_kept=True,
        )
        if anywhere is fragments.NOT_KEPT:
            return super().get_view_restrictions()
        held = (
            fragments.remember("view-restrictions", (self.pk, self.path), look_up)
            if anywhere
            else []
        )
        restrictions = PageViewRestriction.objects.filter(pk__in=[r.pk for r in held])
        restrictions._result_cache = list(held)
        restrictions._prefetch_done = True
        return restrictions

    def serve_preview(self, request, mode_name):
        """A preview is never stored by any cache and never indexed (Wagtail only marks it
        private)."""
        response = super().serve_preview(request, mode_name)
        patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def child_for_routing(parent: Page, slug: str) -> Page | None:
    """`parent`'s child of this slug as its specific page, remembered until the next purge and
    shared (the caller routes its own copy). A parent's children are read all at once (a query,
    and one for each page type among them): routing an edition's pages again after a release
    then reads each chapter once, not each page (two queries a page). A parent with more than
    CHILDREN_AT_ONCE children is read one child at a time, only the children found kept."""
    if parent.numchild > CHILDREN_AT_ONCE:
        return fragments.remember(
            "child-page",
            (parent.pk, slug),
            lambda: _specific_child(parent, slug),
            keep=lambda found: found is not None,
        )
    children = fragments.remember(
        _children_kind(type(parent)), parent.pk, lambda: _specific_children(parent)
    )
    return children.get(slug)


@functools.cache
def _children_kind(parent_type: type[Page]) -> str:
    """Children that may be assessments hold text a correction changes without a structural
    purge ("children", dropped by every purge); the others (the home's, the archive's, an
    edition's) are dropped by structural purges only (fragments.STRUCTURAL_KINDS), so that the
    first render after a correction walks only the last level again."""
    text = any(getattr(m, "own_text_purges", False) for m in parent_type.allowed_subpage_models())
    return "children" if text else "chrome-children"


def _specific_children(parent: Page) -> dict[str, Page]:
    """One query where the parent's type allows one type of child (an archive's editions, an
    edition's chapters, a chapter's assessments) and every child is of it (`numchild` agrees);
    else Wagtail's `specific()`: a query, and one for each type among the children."""
    allowed = parent.specific_class.allowed_subpage_models() if parent.specific_class else []
    if len(allowed) == 1:
        children = list(allowed[0].objects.child_of(parent))
        if len(children) == parent.numchild:
            return {child.slug: child for child in children}
    return {child.slug: child for child in parent.get_children().specific()}


def _specific_child(parent: Page, slug: str) -> Page | None:
    child = parent.get_children().filter(slug=slug).first()
    return child.specific if child is not None else None


class InformationPage(BasePage):
    """A standing page: accessibility statement, cookie policy, about."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(InformationStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["reports.HomePage"]
    subpage_types: list[str] = []
    template = "pages/core/information_page.html"

    class Meta:
        verbose_name = _("information page")


def standing_page(verbose_name: str) -> models.ForeignKey:
    """A link from the site settings to one of the standing pages."""
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """Who publishes the site, and where the standing pages are."""

    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("Who publishes the assessments; shown in the header and page titles."),
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    accessibility_page = standing_page(_("accessibility statement"))
    cookies_page = standing_page(_("cookie policy"))
    about_page = standing_page(_("about the site"))
    footer_note = RichTextField(_("footer note"), blank=True, features=["bold", "italic", "link"])

    panels = [
        FieldPanel("organisation"),
        FieldPanel("tagline"),
        FieldPanel("contact_email"),
        FieldPanel("accessibility_page"),
        FieldPanel("cookies_page"),
        FieldPanel("about_page"),
        FieldPanel("footer_note"),
    ]

    class Meta:
        verbose_name = _("site identity")
