"""The page tree of a threat assessment: Home → Reports (archive) → Edition → Chapter → Assessment.

URLs carry the edition's year (`/en/reports/2026/crisis-regions/<slug>/`) so that a citation never
silently points at a newer text.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path as path_func
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from threatpress.caching import fragments
from threatpress.core.models import BasePage
from threatpress.core.redirects import moved_for_good
from threatpress.core.request_locales import language_of, locale_codes
from threatpress.core.text import css_string
from threatpress.publishing.visibility import public_pages

from . import route_words
from .blocks import AssessmentBodyBlock
from .forms import AssessmentPageForm, EditionPageForm
from .scale import DEFAULT_PROBABILITY_TERMS, DEFAULT_TIME_HORIZONS, band_label

FOREWORD_FEATURES = ["bold", "italic", "link", "ol", "ul"]
# Routes of an edition, in every language's words: a chapter may not take one as its slug.
EDITION_ROUTES = route_words.RESERVED_SLUGS


class HomePage(BasePage):
    """The site's front page: the current edition up front, the archive one click away."""

    intro = models.TextField(_("introduction"), blank=True)
    # The site's name in this home page's language, shown in the header, the footer and page
    # titles; blank uses the site identity's (Settings › Site identity).
    organisation = models.CharField(_("organisation in this language"), max_length=200, blank=True)
    tagline = models.CharField(_("tagline in this language"), max_length=200, blank=True)
    footer_note = RichTextField(
        _("footer note in this language"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [FieldPanel("organisation"), FieldPanel("tagline"), FieldPanel("footer_note")],
            heading=_("Site identity in this language"),
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["reports.ReportsIndexPage", "core.InformationPage"]
    template = "pages/reports/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        # Wagtail falls back to the default language's tree when a language has no home page of
        # its own; that would serve English text at /lt/ URLs. A language without a home has no
        # pages yet.
        if locale_codes(request).get(self.locale_id) != translation.get_language():
            raise Http404
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .contents import current_edition, edition_contents

        context = super().get_context(request, *args, **kwargs)
        edition = current_edition(self)
        context["edition"] = edition
        context["contents"] = edition_contents(edition) if edition else []
        context["reports_index"] = public_pages(ReportsIndexPage.objects.child_of(self)).first()
        return context


class ReportsIndexPage(RoutablePageMixin, BasePage):
    """`/en/reports/`: the archive of every edition, and the year-less redirects."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["reports.HomePage"]
    subpage_types = ["reports.EditionPage"]
    max_count_per_parent = 1
    template = "pages/reports/reports_index_page.html"

    class Meta:
        verbose_name = _("reports archive")

    def editions(self):
        return public_pages(EditionPage.objects.child_of(self)).order_by("-year")

    @path("")
    def archive(self, request):
        from threatpress.exports.downloads import downloads_for

        editions = [(e, downloads_for(e, e, request)) for e in self.editions()]
        return self.render(request, context_overrides={"editions": editions})

    # The model site's year-less URLs. A slug that is only digits is a year and is routed to the
    # edition child instead; these patterns require at least one non-digit character.
    @re_path(r"^(?P<chapter_slug>[-a-z0-9]*[-a-z][-a-z0-9]*)/$")
    def yearless_chapter(self, request, chapter_slug: str):
        return self._redirect_yearless(request, chapter_slug, None)

    @re_path(
        r"^(?P<chapter_slug>[-a-z0-9]*[-a-z][-a-z0-9]*)/(?P<assessment_slug>[-a-z0-9]{1,255})/$"
    )
    def yearless_assessment(self, request, chapter_slug: str, assessment_slug: str):
        return self._redirect_yearless(request, chapter_slug, assessment_slug)

    def _redirect_yearless(
        self, request, chapter_slug: str, assessment_slug: str | None
    ) -> HttpResponseRedirect:
        """Redirect to the newest public edition that has this chapter (and assessment).

        A temporary redirect: the target moves to the next edition when one is published.
        """
        from .contents import find_in_newest_edition

        target = find_in_newest_edition(self, chapter_slug, assessment_slug)
        if target is None:
            raise Http404
        return redirect(target.get_url(request), permanent=False)


class EditionPage(RoutablePageMixin, BasePage):
    """One year's National Threat Assessment."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    published_at = models.DateTimeField(_("publication date and time"))
    cutoff_date = models.DateField(
        _("information cut-off date"),
        help_text=_("Events after this date are not taken into account."),
    )
    foreword = RichTextField(_("foreword"), blank=True, features=FOREWORD_FEATURES)
    foreword_signed_by = models.CharField(_("foreword signed by"), max_length=200, blank=True)

    base_form_class = EditionPageForm
    content_panels = [
        *Page.content_panels,
        FieldRowPanel(
            [FieldPanel("year"), FieldPanel("published_at"), FieldPanel("cutoff_date")],
            heading=_("Edition"),
        ),
        MultiFieldPanel(
            [FieldPanel("foreword"), FieldPanel("foreword_signed_by")], heading=_("Foreword")
        ),
        InlinePanel(
            "probability_terms",
            heading=_("Probability scale"),
            label=_("Probability term"),
            min_num=2,
        ),
        InlinePanel(
            "time_horizons", heading=_("Time horizons"), label=_("Time horizon"), min_num=1
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("foreword")]
    parent_page_types = ["reports.ReportsIndexPage"]
    subpage_types = ["reports.ChapterPage"]
    template = "pages/reports/edition_page.html"

    class Meta:
        verbose_name = _("edition")

    @classmethod
    def crumb_label(cls, page: Page) -> str:
        return page.slug  # always the year

    def full_clean(self, *args, **kwargs):
        if self.year:
            self.slug = str(self.year)
        super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        terms = list(self.probability_terms.all())
        keys = [term.key for term in terms]
        if len(keys) != len(set(keys)):
            raise ValidationError(_("Each probability term needs its own key."))
        for term in terms:
            if term.lower_bound >= term.upper_bound:
                raise ValidationError(
                    _("The band of “%(label)s” must start below where it ends.")
                    % {"label": term.label}
                )
        horizon_keys = [h.key for h in self.time_horizons.all()]
        if len(horizon_keys) != len(set(horizon_keys)):
            raise ValidationError(_("Each time horizon needs its own key."))

    def add_default_scale(self) -> None:
        """Give a new edition the standard scale and horizons, for editors to adjust, worded in
        the edition's language (not the editor's: an English-speaking editor may start the
        Lithuanian edition)."""
        language = self.locale.language_code if self.locale_id else translation.get_language()
        with translation.override(language):
            self._add_default_scale()

    def _add_default_scale(self) -> None:
        if not self.probability_terms.all():
            self.probability_terms = [
                ProbabilityTerm(
                    sort_order=position,
                    key=d.key,
                    label=str(d.label),
                    lower_bound=d.lower,
                    upper_bound=d.upper,
                    description=str(d.description),
                )
                for position, d in enumerate(DEFAULT_PROBABILITY_TERMS)
            ]
        if not self.time_horizons.all():
            self.time_horizons = [
                TimeHorizon(
                    sort_order=position,
                    key=d.key,
                    label=str(d.label),
                    span=str(d.span),
                    description=str(d.description),
                )
                for position, d in enumerate(DEFAULT_TIME_HORIZONS)
            ]

    @cached_property
    def scale(self) -> dict[str, ProbabilityTerm]:
        return {term.key: term for term in self.probability_terms.all()}

    @cached_property
    def horizons(self) -> dict[str, TimeHorizon]:
        return {h.key: h for h in self.time_horizons.all()}

    def _render_route(
        self, request, template: str, with_downloads: bool = False, **extra
    ) -> TemplateResponse:
        from threatpress.exports.downloads import downloads_for

        from .contents import edition_contents, is_preview

        contents = edition_contents(self, drafts=is_preview(request))
        context = {"edition": self, "contents": contents, **extra}
        if with_downloads:
            context["downloads"] = downloads_for(self, self, request, contents)
        return self.render(request, template=template, context_overrides=context)

    @path("")
    def landing(self, request):
        return self._render_route(
            request,
            "pages/reports/edition_page.html",
            with_downloads=True,
            listen_label=_("Listen to the whole edition"),
        )

    @classmethod
    def get_subpage_urls(cls):
        """Wagtail's routes, and each route again in the other languages' words (route_words)."""
        routes = super().get_subpage_urls()
        views = {route.name: route.callback for route in routes}
        return routes + tuple(
            path_func(f"{word}/", views[route_words.base_name(name)], name=name)
            for name, word in route_words.localized_routes()
        )

    def language_code(self, request=None) -> str:
        code = locale_codes(request).get(self.locale_id) if request else language_of(self.locale_id)
        return code or route_words.DEFAULT_LANGUAGE

    def reverse_subpage(self, name, args=None, kwargs=None):
        """A route's address in this edition's language: `santrauka/` for `summary` in
        Lithuanian. Templates' `routablepageurl` comes here too."""
        if name in route_words.ROUTE_WORDS:
            name = route_words.route_name(name, self.language_code())
        return super().reverse_subpage(name, args, kwargs)

    def serve(self, request, view=None, args=None, kwargs=None):
        # One address to cite: a route reached by another language's word
        # (`/lt/ataskaitos/2026/summary/`) redirects to the page's own (`…/santrauka/`).
        if view is not None and (own := self._own_route_if_other_words(request)):
            target = (self.get_url(request) or "") + super().reverse_subpage(own)
            return moved_for_good(request, target)
        return super().serve(request, view, args, kwargs)

    def _own_route_if_other_words(self, request) -> str | None:
        """The name of the route in this edition's words (`summary-lt`) when the request
        reached it by another language's word; None otherwise."""
        match = getattr(request, "routable_resolver_match", None)
        name = route_words.base_name(match.url_name or "") if match is not None else ""
        if name not in route_words.ROUTE_WORDS:
            return None
        own = route_words.route_name(name, self.language_code(request))
        return own if own != match.url_name else None

    @path("summary/", name="summary")
    def summary(self, request):
        return self._render_route(
            request, "pages/reports/edition_summary.html", route_title=_("Key judgments")
        )

    @path("foreword/", name="foreword")
    def foreword_view(self, request):
        return self._render_route(
            request, "pages/reports/edition_foreword.html", route_title=_("Foreword")
        )

    @path("print/", name="print_css")
    def print_css(self, request):
        """The running header of this edition's printed pages (a stylesheet: CSP allows no
        inline style, and CSS cannot read the title from the page)."""
        css = render_to_string("pages/reports/edition_print.css", {"title": css_string(self.title)})
        return HttpResponse(css, content_type="text/css; charset=utf-8")

    @path("scale/", name="scale")
    def scale_view(self, request):
        return self.render(
            request,
            template="pages/reports/edition_scale.html",
            context_overrides={"edition": self, "route_title": _("How to read the judgments")},
        )


class ProbabilityTerm(Orderable):
    """One band of an edition's probability scale, e.g. likely = 50–75%."""

    edition = ParentalKey(EditionPage, on_delete=models.CASCADE, related_name="probability_terms")
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("Stable identifier that assessments refer to, e.g. “likely”."),
    )
    label = models.CharField(_("term"), max_length=60)
    lower_bound = models.PositiveSmallIntegerField(
        _("from (%)"), validators=[MaxValueValidator(100)]
    )
    upper_bound = models.PositiveSmallIntegerField(_("to (%)"), validators=[MaxValueValidator(100)])
    description = models.CharField(_("description"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("key"), FieldPanel("label")]),
        FieldRowPanel([FieldPanel("lower_bound"), FieldPanel("upper_bound")]),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("probability term")

    def __str__(self) -> str:
        return f"{self.label} ({self.band})"

    @property
    def band(self) -> str:
        return band_label(self.lower_bound, self.upper_bound)


class TimeHorizon(Orderable):
    """One time horizon of an edition, e.g. near term = 6 months–2 years."""

    edition = ParentalKey(EditionPage, on_delete=models.CASCADE, related_name="time_horizons")
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("term"), max_length=60)
    span = models.CharField(_("span"), max_length=60, help_text=_("For example “0–6 months”."))
    description = models.CharField(_("description"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("key"), FieldPanel("label"), FieldPanel("span")]),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("time horizon")

    def __str__(self) -> str:
        return f"{self.label} ({self.span})"


class ChapterPage(BasePage):
    """A chapter of an edition; its order is its place among its siblings in the page tree."""

    introduction = RichTextField(_("introduction"), blank=True, features=FOREWORD_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*BasePage.search_fields, index.SearchField("introduction")]
    parent_page_types = ["reports.EditionPage"]
    subpage_types = ["reports.AssessmentPage"]
    template = "pages/reports/chapter_page.html"

    class Meta:
        verbose_name = _("chapter")

    def clean(self):
        super().clean()
        if self.slug.isdigit():
            raise ValidationError(
                {"slug": _("A chapter's slug cannot be only digits (years are).")}
            )
        if self.slug in EDITION_ROUTES:
            raise ValidationError(
                {"slug": _("“%(slug)s” is reserved for an edition page.") % {"slug": self.slug}}
            )

    def get_context(self, request, *args, **kwargs):
        from threatpress.exports.downloads import downloads_for

        from .contents import edition_contents, is_preview

        context = super().get_context(request, *args, **kwargs)
        edition = _as_edition(context["breadcrumbs"][-1])
        contents = edition_contents(edition, drafts=is_preview(request))
        context["edition"] = edition
        context["contents"] = contents
        context["chapter_entry"] = next((c for c in contents if c.page.pk == self.pk), None)
        context["downloads"] = downloads_for(self, edition, request, contents)
        return context


class AssessmentPage(BasePage):
    """One key judgment: the headline is the judgment, the summary its lead, the body its case."""

    summary = models.TextField(
        _("summary"),
        max_length=1200,
        help_text=_("Shown in bold under the key judgment, and on the summary page."),
    )
    body = StreamField(AssessmentBodyBlock(), blank=True)
    probability = models.CharField(
        _("probability"),
        max_length=40,
        blank=True,
        help_text=_("A term of this edition's probability scale."),
    )
    horizon = models.CharField(
        _("time horizon"),
        max_length=40,
        blank=True,
        help_text=_("A time horizon of this edition."),
    )
    regions = ParentalManyToManyField(
        "regions.Region", verbose_name=_("countries and regions"), blank=True, related_name="+"
    )

    base_form_class = AssessmentPageForm
    content_panels = [
        FieldPanel(
            "title",
            heading=_("Key judgment"),
            help_text=_("One sentence: what we judge will happen. It is the page's headline."),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("probability"), FieldPanel("horizon")], heading=_("Judgment")),
        FieldPanel("regions"),
        InlinePanel("footnotes", heading=_("Sources and footnotes"), label=_("Footnote")),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        # "Belarus" finds the judgments tagged with it, whether or not their text names it.
        index.RelatedFields("regions", [index.SearchField("name")]),
    ]
    parent_page_types = ["reports.ChapterPage"]
    subpage_types: list[str] = []
    own_text_purges = True  # caching/signals.py: a new body or summary purges the text only
    template = "pages/reports/assessment_page.html"

    class Meta:
        verbose_name = _("assessment")

    def edition(self) -> EditionPage | None:
        return edition_of(self)

    def clean(self):
        super().clean()
        edition = self.edition() if self.path else None
        if edition is None:
            return
        errors = {}
        if self.probability and self.probability not in edition.scale:
            errors["probability"] = _("Not a term of this edition's probability scale.")
        if self.horizon and self.horizon not in edition.horizons:
            errors["horizon"] = _("Not a time horizon of this edition.")
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from threatpress.exports.downloads import downloads_for

        from .contents import edition_contents, is_preview, neighbours

        context = super().get_context(request, *args, **kwargs)
        breadcrumbs = context["breadcrumbs"]
        edition = _as_edition(breadcrumbs[-2])
        preview = is_preview(request)
        contents = edition_contents(edition, drafts=preview)
        chapter_entry = next((c for c in contents if c.page.pk == breadcrumbs[-1].pk), None)
        if preview:
            scale, horizons, regions = edition.scale, edition.horizons, _regions_in_language(self)
        else:
            # The edition's terms and its published pages' regions, read once for all its pages
            # until the next purge (for the regions, the next structural one: a publish that
            # changes a page's regions is one, and so is a region renamed).
            scale, horizons = fragments.remember(
                "edition-terms", edition.pk, lambda: (edition.scale, edition.horizons)
            )
            regions = fragments.remember(
                "edition-regions", edition.pk, lambda: _regions_of_edition(edition)
            ).get(self.pk, [])
        context.update(
            edition=edition,
            chapter=chapter_entry.page if chapter_entry else breadcrumbs[-1],
            contents=contents,
            chapter_entry=chapter_entry,
            probability_term=scale.get(self.probability),
            time_horizon=horizons.get(self.horizon),
            probability_steps=_steps(list(scale), self.probability, cumulative=True),
            horizon_steps=_steps(list(horizons), self.horizon, cumulative=False),
            region_list=regions,
            downloads=downloads_for(self, edition, request, contents),
            **neighbours(contents, self),
        )
        return context


def edition_of(page: Page) -> EditionPage | None:
    """The edition `page` belongs to (itself, for an edition); None outside every edition."""
    if isinstance(page, EditionPage):
        return page
    return EditionPage.objects.ancestor_of(page, inclusive=True).first()


def _as_edition(crumb: Page) -> EditionPage:
    """The edition page of a breadcrumb: routing has usually read it already."""
    return crumb if isinstance(crumb, EditionPage) else EditionPage.objects.get(pk=crumb.pk)


def _regions_in_language(page: AssessmentPage) -> list:
    """The page's countries and regions named in its language (a translated page may still carry
    the original's tags), each linking to its region page. One or two queries."""
    from threatpress.regions.judgments import localized

    return localized(page.regions.all(), page.locale_id)


def _regions_of_edition(edition: EditionPage) -> dict[int, list]:
    """`_regions_in_language` of every assessment in the edition, by page id: two queries, and a
    third when a page names a region of another language."""
    from threatpress.regions.judgments import Tagging, localized_many
    from threatpress.regions.models import Region

    rows = list(
        Tagging.objects.filter(assessmentpage__path__startswith=edition.path)
        .order_by("region__name", "region__pk")  # Region's own order, as page.regions.all()
        .values_list("assessmentpage_id", "assessmentpage__locale_id", "region_id")
    )
    regions = Region.objects.in_bulk({region_id for _, _, region_id in rows})
    groups: dict[int, list] = {}
    locale_ids: dict[int, int] = {}
    for page_id, locale_id, region_id in rows:
        groups.setdefault(page_id, []).append(regions[region_id])
        locale_ids[page_id] = locale_id
    return localized_many(groups, locale_ids)


def _steps(keys: list[str], chosen: str, cumulative: bool) -> list[bool]:
    """Which segments of a scale graphic are filled: up to the chosen term, or only it."""
    if chosen not in keys:
        return []
    index = keys.index(chosen)
    return [(i <= index) if cumulative else (i == index) for i in range(len(keys))]
