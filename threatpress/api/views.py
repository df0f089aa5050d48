"""The public, read-only JSON API: Wagtail's API v2, restricted to what a reader may see.

Endpoints (threatpress/api/urls.py, docs/api.md): `editions`, `assessments`, `regions` and
`pages`, each a listing and a detail view. What Wagtail's API does by default and we do not:

- the queryset comes from `publishing.visibility`'s rule of what is public (applied by
  `caching.fragments.public_pages` as the remembered hidden subtrees), never from `live`
  (Wagtail's own `get_public_pages_queryset` lets a logged-in user or a password cookie through
  view restrictions, and knows nothing of embargoed editions or untranslated copies);
- no session or authentication is read: everyone gets the same answer, which a shared cache may
  keep (`Cache-Control: public`), and no `Vary: Cookie`;
- no full-text `search` (the search index is not ours to trust here), no `find/`, no
  `child_of`/`descendant_of`/`translation_of` (they take page ids from the caller), no filter on
  any model field, no `order`: only the parameters below, each validated, else a 400;
- no `parent` or `alias_of` meta fields (they can name a page that is not public), no images or
  documents endpoints (their files are served only while a public page uses them);
- GET and HEAD only; JSON only (no browsable HTML renderer).
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import unescape
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Greatest, Length, Substr
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.html import strip_tags
from rest_framework.fields import Field
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from wagtail.api import APIField
from wagtail.api.utils import get_full_url
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.models import Page

from threatpress.caching.fragments import public_pages
from threatpress.core.tree_paths import parent_path
from threatpress.regions.judgments import (
    Tagging,
    localized,
    public_judgment_counts,
    tagged_with,
)
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage
from threatpress.reports.route_words import ROUTE_WORDS

# How long a shared cache may keep an answer: an edition released or withdrawn shows in the API
# at most this many seconds late (never early: nothing is cached before it is public).
MAX_AGE = 60
LIMIT_DEFAULT = 20
LIMIT_MAX = 100
OFFSET_MAX = 1_000_000
LARGEST_ID = 2**63 - 1
YEAR = re.compile(r"^[0-9]{4}$")
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")
# In the body's HTML: a site-relative address in an attribute or a srcset list.
LOCAL_URL = re.compile(r'((?:src|href)="|srcset="|, )(/[^/])')
# What the plain text leaves out: words for screen readers and the footnotes' way back.
HIDDEN_TEXT = re.compile(
    r'<span class="visually-hidden">.*?</span>|<a class="footnotes__back".*?</a>', re.S
)
# Types the `pages` endpoint can be asked for with ?type=.
PAGE_TYPES = {
    "reports.HomePage",
    "reports.ReportsIndexPage",
    "reports.EditionPage",
    "reports.ChapterPage",
    "reports.AssessmentPage",
    "core.InformationPage",
}


class Computed(Field):
    """A read-only field whose value `fn(view, obj)` computes from the whole object."""

    def __init__(self, fn, **kwargs):
        self.fn = fn
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, value):
        return self.fn(self.context["view"], value)


def computed(name: str, fn) -> APIField:
    return APIField(name, serializer=Computed(fn))


class Pagination(WagtailPagination):
    """Wagtail's `limit`/`offset`, with an upper bound on the offset too (a 30-digit offset is
    a database error on SQLite, not an empty page), and the page's objects as a list."""

    def paginate_queryset(self, queryset, request, view=None):
        offset = _whole_number(request, "offset", 0, OFFSET_MAX)
        limit = _whole_number(request, "limit", LIMIT_DEFAULT, LIMIT_MAX)
        self.view = view
        self.total_count = queryset.count()
        return list(queryset[offset : offset + limit])


def _whole_number(request, name: str, default: int, largest: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 7 or int(raw) > largest:
        raise BadRequestError(f"{name} must be a whole number from 0 to {largest}")
    return int(raw)


def _language(request) -> str | None:
    code = request.GET.get("language")
    if code is None:
        return None
    codes = [c for c, _ in settings.LANGUAGES]
    if code not in codes:
        raise BadRequestError(f"language must be one of: {', '.join(codes)}")
    return code


def _year(request) -> int | None:
    raw = request.GET.get("year")
    if raw is None:
        return None
    if not YEAR.match(raw):
        raise BadRequestError("year must be four digits, e.g. 2026")
    return int(raw)


def _slug(request, name: str) -> str | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    if not SLUG.match(raw):
        raise BadRequestError(f"{name} must be a slug (letters, digits, hyphens)")
    return raw


class PublicAPIMixin:
    """What every endpoint shares: anonymous, GET only, JSON only, validated parameters, a
    bounded page size, cache and CORS headers."""

    renderer_classes: ClassVar = [JSONRenderer]
    authentication_classes: ClassVar = []
    permission_classes: ClassVar = [AllowAny]
    http_method_names: ClassVar = ["get", "head"]
    pagination_class = Pagination
    filter_backends: ClassVar = []
    known_query_parameters = frozenset(["limit", "offset", "fields", "language"])
    body_fields: ClassVar = ["id"]
    api_fields: ClassVar = []  # this endpoint's fields (Wagtail reads them from the model)

    @classmethod
    def get_body_fields(cls, model):
        return cls._convert_api_fields(cls.body_fields + list(cls.api_fields))

    @classmethod
    def get_listing_default_fields(cls, model):
        names = cls.get_body_fields_names(model) + cls.get_meta_fields_names(model)
        return [name for name in names if name not in cls.detail_only_fields]

    @classmethod
    def get_urlpatterns(cls):
        return [p for p in super().get_urlpatterns() if p.name != "find"]

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET.keys()) - self.known_query_parameters
        if unknown:
            names = ", ".join(sorted(unknown))
            raise BadRequestError(f"query parameter is not supported: {names}")

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None or int(pk) > LARGEST_ID:
            raise Http404("not found")
        if not hasattr(self, "_prepared_object"):
            self.check_query_parameters(None)
            obj = self.filter_queryset(self.get_queryset()).filter(pk=pk).first()
            if obj is None:
                raise Http404("not found")
            self.prepare([obj])
            self._prepared_object = obj
        return self._prepared_object

    def filter_queryset(self, queryset):
        language = _language(self.request)
        if language is not None:
            queryset = queryset.filter(locale__language_code=language)
        return queryset

    def paginate_queryset(self, queryset):
        items = super().paginate_queryset(queryset)
        self.prepare(items)
        return items

    def prepare(self, items: list) -> None:
        """Load what the fields of these objects need, in a fixed number of queries."""

    def handle_exception(self, exc):
        # A value no validator above foresaw must still be the caller's error, not ours.
        if isinstance(exc, (ValidationError, OverflowError)):
            exc = BadRequestError("invalid parameter value")
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Public, read-only data without credentials: any site may read it from a browser.
        response["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            response.add_post_render_callback(
                lambda rendered: get_conditional_response(
                    request, etag=set_response_etag(rendered)["ETag"], response=rendered
                )
            )
        elif response.status_code < 500:
            # Errors are cheap to answer again and must not outlive a fix (or a release).
            patch_cache_control(response, public=True, max_age=0, no_cache=True)
        keep_not_found(request)
        return response


def keep_not_found(request) -> None:
    """Let an API 404 stay a 404. Django's LocaleMiddleware answers a 404 outside the language
    prefix with a redirect to the same path under /en/ when that path resolves, and Wagtail's
    catch-all route resolves every path: it reads the URL patterns from `request.urlconf`,
    which here names the API's own (no language prefix there)."""
    request = getattr(request, "_request", request)
    request.urlconf = "threatpress.api.root_urls"


def not_found(request, path: str = ""):
    """Any other address under /api/: a JSON 404."""
    from django.http import JsonResponse

    response = JsonResponse({"message": "not found"}, status=404)
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=0, no_cache=True)
    keep_not_found(request)
    return response


# --- What the fields show -------------------------------------------------------------------


def _absolute(view, path: str) -> str:
    """An address on this site, written the way Wagtail writes pages' (the site's root URL)."""
    return get_full_url(view.request, path)


def _html_url(view, page) -> str | None:
    return page.get_full_url(view.request)


def _api_url(view, name: str, pk: int) -> str:
    return _absolute(view, reverse(f"wagtailapi:{name}:detail", args=(pk,)))


def _language_of(view, obj) -> str:
    return view.language_codes[obj.locale_id]


def _in_language(obj, view, fn):
    """Words the code adds (band labels such as '25–50%') in the object's language, not in the
    language the caller's browser asks for: the answer is the same for everyone."""
    with translation.override(view.language_codes[obj.locale_id]):
        return fn()


def _term(term) -> dict:
    return {
        "key": term.key,
        "label": term.label,
        "lower_bound": term.lower_bound,
        "upper_bound": term.upper_bound,
        "band": term.band,
        "description": term.description,
    }


def _horizon(horizon) -> dict:
    return {
        "key": horizon.key,
        "label": horizon.label,
        "span": horizon.span,
        "description": horizon.description,
    }


def _translations(view, page) -> list[dict]:
    return [
        {
            "language": view.language_codes[other.locale_id],
            "html_url": other.get_full_url(view.request),
            "detail_url": _api_url(view, view.endpoint, other.pk),
        }
        for other in view.translations.get(page.translation_key, [])
        if other.pk != page.pk
    ]


def _region_url(view, region) -> str:
    with translation.override(view.language_codes[region.locale_id]):
        return _absolute(view, reverse("regions:detail", kwargs={"slug": region.slug}))


def _region_ref(view, region) -> dict:
    return {
        "id": region.pk,
        "name": region.name,
        "slug": region.slug,
        "kind": region.kind,
        "html_url": _region_url(view, region),
        "detail_url": _api_url(view, "regions", region.pk),
    }


class PageEndpoint(PublicAPIMixin, PagesAPIViewSet):
    """A typed endpoint for one page model, over its public pages only."""

    meta_fields: ClassVar = ["type", "detail_url", "html_url", "slug", "first_published_at"]
    nested_default_fields: ClassVar = ["id", "type", "detail_url"]
    detail_only_fields: ClassVar = []
    ordering: ClassVar = ["path"]

    @classmethod
    def get_detail_default_fields(cls, model):
        return cls.get_available_fields(model)

    def get_base_queryset(self):
        return public_pages(Page.objects.all())

    def get_queryset(self):
        return public_pages(self.model.objects.all()).order_by(*self.ordering)

    def prepare(self, items: list) -> None:
        from wagtail.models import Locale

        self.language_codes = dict(Locale.objects.values_list("pk", "language_code"))
        self.translations = defaultdict(list)
        if items and "translations" in self.get_body_fields_names(self.model):
            keys = {page.translation_key for page in items}
            for other in public_pages(Page.objects.filter(translation_key__in=keys)).order_by(
                "locale_id"
            ):
                self.translations[other.translation_key].append(other)


class EditionsAPIViewSet(PageEndpoint):
    endpoint = "editions"  # (DRF resets `name` on the class)
    model = EditionPage
    known_query_parameters = PublicAPIMixin.known_query_parameters | {"year"}
    ordering: ClassVar = ["-year", "path"]
    detail_only_fields: ClassVar = ["foreword", "downloads"]
    api_fields: ClassVar = [
        "title",
        "year",
        computed("language", _language_of),
        "published_at",
        APIField("cutoff_date"),
        computed(
            "probability_scale",
            lambda view, e: _in_language(e, view, lambda: [_term(t) for t in e.scale.values()]),
        ),
        computed("time_horizons", lambda view, e: [_horizon(h) for h in e.horizons.values()]),
        computed("urls", lambda view, e: view.urls_of(e)),
        computed("translations", _translations),
        computed("foreword", lambda view, e: view.foreword_of(e)),
        "foreword_signed_by",
        computed("downloads", lambda view, e: view.downloads_of(e)),
    ]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        year = _year(self.request)
        return queryset if year is None else queryset.filter(year=year)

    def prepare(self, items: list) -> None:
        super().prepare(items)
        if items:
            from django.db.models import prefetch_related_objects

            prefetch_related_objects(items, "probability_terms", "time_horizons")

    def urls_of(self, edition) -> dict:
        base = edition.get_full_url(self.request)
        # Named as in English, addressed in the edition's words (santrauka/ in Lithuanian).
        routes = {name: base + edition.reverse_subpage(name) for name in ROUTE_WORDS}
        return {"html": base, **routes}

    def foreword_of(self, edition) -> str:
        from threatpress.core.templatetags.threatpress_tags import clean_richtext

        return str(clean_richtext(edition.foreword))

    def downloads_of(self, edition) -> list[dict]:
        """The edition's files that are ready (PDF for screen and print, audio)."""
        from threatpress.exports.downloads import downloads_for

        with translation.override(self.language_codes[edition.locale_id]):
            found = downloads_for(edition, edition, self.request)
        return [
            {
                "format": d.fmt.key,
                "media_type": d.fmt.media_type,
                "url": _absolute(self, d.url),
                "size": d.size,
                "pages": d.pages,
                "duration": d.duration,
            }
            for d in found.values()
            if d.ready
        ]


class AssessmentsAPIViewSet(PageEndpoint):
    endpoint = "assessments"  # (DRF resets `name` on the class)
    model = AssessmentPage
    known_query_parameters = PublicAPIMixin.known_query_parameters | {"year", "region"}
    ordering: ClassVar = ["-edition_year", "path"]
    detail_only_fields: ClassVar = ["body", "body_text"]
    api_fields: ClassVar = [
        computed("key_judgment", lambda view, a: a.title),
        "summary",
        computed("language", _language_of),
        computed("probability", lambda view, a: view.term_of(a)),
        computed("horizon", lambda view, a: view.horizon_of(a)),
        computed("edition", lambda view, a: view.edition_of(a)),
        computed("chapter", lambda view, a: view.chapter_of(a)),
        computed("regions", lambda view, a: [_region_ref(view, r) for r in view.regions[a.pk]]),
        computed("translations", _translations),
        computed("body", lambda view, a: view.body_of(a)),
        computed("body_text", lambda view, a: view.body_text_of(a)),
    ]

    def get_queryset(self):
        # An assessment sits two levels below its edition (edition, chapter, assessment): its
        # edition's path is its own without the last two steps, an equality the path index
        # answers for each row (a prefix test against every edition took 110 ms on the demo).
        # (Never a negative length: PostgreSQL may test a filter on the year against every
        # page row, the tree's root among them, before the join to assessments.)
        steps = Greatest(Length(OuterRef("path")) - 2 * Page.steplen, Value(0))
        edition_path = Substr(OuterRef("path"), 1, steps)
        edition_year = Subquery(
            EditionPage.objects.filter(path=edition_path).values("year")[:1],
            output_field=IntegerField(),
        )
        return (
            public_pages(AssessmentPage.objects.all())
            .annotate(edition_year=edition_year)
            .order_by(*self.ordering)
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        year = _year(self.request)
        if year is not None:
            queryset = queryset.filter(edition_year=year)
        region = _slug(self.request, "region")
        if region is not None:
            keys = Region.objects.filter(slug=region).values("translation_key")
            queryset = queryset.filter(tagged_with(keys))
        return queryset

    def prepare(self, items: list) -> None:
        super().prepare(items)
        self.editions = {
            e.path: e
            for e in EditionPage.objects.filter(
                path__in={parent_path(a.path, 2) for a in items}
            ).prefetch_related("probability_terms", "time_horizons")
        }
        self.chapters = {
            c.path: c
            for c in ChapterPage.objects.filter(path__in={parent_path(a.path) for a in items})
        }
        tagged = defaultdict(list)
        for row in Tagging.objects.filter(assessmentpage__in=[a.pk for a in items]).select_related(
            "region"
        ):
            tagged[row.assessmentpage_id].append(row.region)
        self.regions = defaultdict(list)
        by_locale = defaultdict(list)
        for a in items:
            by_locale[a.locale_id].append(a)
        for locale_id, pages in by_locale.items():
            regions = localized([r for a in pages for r in tagged[a.pk]], locale_id)
            named = {r.translation_key: r for r in regions}
            for a in pages:
                keys = dict.fromkeys(r.translation_key for r in tagged[a.pk])
                # Only regions of the page's language have a page (and an entry) of their own.
                self.regions[a.pk] = [
                    named[k] for k in keys if k in named and named[k].locale_id == locale_id
                ]

    def _edition(self, page):
        return self.editions.get(parent_path(page.path, 2))

    def term_of(self, page):
        edition = self._edition(page)
        term = edition.scale.get(page.probability) if edition else None
        return _in_language(page, self, lambda: _term(term)) if term else None

    def horizon_of(self, page):
        edition = self._edition(page)
        horizon = edition.horizons.get(page.horizon) if edition else None
        return _horizon(horizon) if horizon else None

    def edition_of(self, page):
        edition = self._edition(page)
        if edition is None:
            return None
        return {
            "id": edition.pk,
            "year": edition.year,
            "title": edition.title,
            "html_url": edition.get_full_url(self.request),
            "detail_url": _api_url(self, "editions", edition.pk),
        }

    def chapter_of(self, page):
        chapter = self.chapters.get(parent_path(page.path))
        if chapter is None:
            return None
        return {"title": chapter.title, "html_url": chapter.get_full_url(self.request)}

    def body_of(self, page) -> str:
        """The body as the page shows it (paragraphs, headings, quotes, figures, then the
        sources), in the page's language."""
        if not hasattr(page, "_api_body"):
            with translation.override(self.language_codes[page.locale_id]):
                html = render_to_string(
                    "api/assessment_body.html", {"page": page}, request=self.request
                ).strip()
            # Addresses on this site in full: the HTML is read elsewhere.
            base = _absolute(self, "/")[:-1]
            page._api_body = LOCAL_URL.sub(lambda m: m.group(1) + base + m.group(2), html)
        return page._api_body

    def body_text_of(self, page) -> str:
        html = HIDDEN_TEXT.sub("", self.body_of(page))
        text = unescape(strip_tags(html))
        # One paragraph, heading, caption or note a line, a blank line between them.
        return "\n\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def public_regions() -> QuerySet:
    """Regions that a public judgment in their language concerns, with how many (`judgments`).
    The counts are read once, in two queries: counted in a subquery for each region, the
    listing took 150 ms on the demo's SQLite."""
    counts = public_judgment_counts()
    judgments = {
        pk: counts[(locale_id, key)]
        for pk, locale_id, key in Region.objects.values_list("pk", "locale_id", "translation_key")
        if (locale_id, key) in counts
    }
    count = Case(
        *(When(pk=pk, then=Value(n)) for pk, n in judgments.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Region.objects.filter(pk__in=list(judgments)).annotate(judgments=count)


class RegionsAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    endpoint = "regions"  # (DRF resets `name` on the class)
    model = Region
    meta_fields: ClassVar = ["type", "detail_url"]
    detail_only_fields: ClassVar = []
    api_fields: ClassVar = [
        "name",
        "slug",
        "kind",
        computed("language", _language_of),
        computed("judgments", lambda view, r: r.judgments),
        computed("html_url", _region_url),
        computed("assessments_url", lambda view, r: view.assessments_url(r)),
        computed("translations", lambda view, r: view.translations_of(r)),
    ]

    @classmethod
    def get_detail_default_fields(cls, model):
        return cls.get_available_fields(model)

    def get_queryset(self):
        return public_regions().order_by("locale_id", "kind", "name", "pk")

    def prepare(self, items: list) -> None:
        from wagtail.models import Locale

        self.language_codes = dict(Locale.objects.values_list("pk", "language_code"))
        self.translations = defaultdict(list)
        keys = {r.translation_key for r in items}
        if keys:
            for other in public_regions().filter(translation_key__in=keys).order_by("locale_id"):
                self.translations[other.translation_key].append(other)

    def assessments_url(self, region) -> str:
        path = reverse("wagtailapi:assessments:listing")
        language = self.language_codes[region.locale_id]
        return _absolute(self, f"{path}?region={region.slug}&language={language}")

    def translations_of(self, region) -> list[dict]:
        return [
            {
                "language": self.language_codes[other.locale_id],
                "name": other.name,
                "html_url": _region_url(self, other),
                "detail_url": _api_url(self, "regions", other.pk),
            }
            for other in self.translations.get(region.translation_key, [])
            if other.pk != region.pk
        ]


class PagesAPIViewSet(PageEndpoint):
    """Every public page, for finding the standing pages (about, accessibility) and the tree."""

    endpoint = "pages"  # (DRF resets `name` on the class)
    model = Page
    known_query_parameters = PublicAPIMixin.known_query_parameters | {"type"}
    api_fields: ClassVar = ["title", computed("language", _language_of)]

    def get_queryset(self):
        wanted = self.request.GET.get("type")
        if wanted is None:
            return public_pages(Page.objects.filter(depth__gt=1)).order_by("path")
        if wanted not in PAGE_TYPES:
            raise BadRequestError("type must be one of: " + ", ".join(sorted(PAGE_TYPES)))
        from django.apps import apps

        model = apps.get_model(wanted)
        return public_pages(model.objects.all()).order_by("path")


__all__ = [
    "AssessmentsAPIViewSet",
    "EditionsAPIViewSet",
    "PagesAPIViewSet",
    "RegionsAPIViewSet",
]
