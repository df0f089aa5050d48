"""`/<language>/search/?q=…`: the public search of the reader's language (docs/search.md)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe
from wagtail.models import Locale, Page, Site

from threatpress.caching import fragments
from threatpress.core.redirects import moved_for_good
from threatpress.core.tree_paths import parent_path
from threatpress.readership.counting import record_search
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage, ProbabilityTerm
from threatpress.reports.scale import band_label

from . import service
from .forms import FilterForm
from .query import ParsedQuery, parse
from .result_text import stems_of_words, stored_or_computed
from .snippets import highlight, snippet
from .text import words

PER_PAGE = 10
MAX_WORD_SUGGESTIONS = 5


@dataclass
class Result:
    pk: int
    page_title: str  # as typed (`title` has the reader's words marked)
    url: str
    kind: str
    title: SafeString
    snippet: SafeString
    year: int | None = None
    chapter: str = ""
    probability: str = ""


@dataclass
class Suggestion:
    label: str
    url: str
    count: int
    language: str = ""  # set when the link leads to another language's search


def _is(page: Page, model: type[Page]) -> bool:
    return issubclass(page.specific_class or Page, model)


def _kind(page: Page) -> str:
    if _is(page, AssessmentPage):
        return pgettext("search result", "Assessment")
    if _is(page, ChapterPage):
        return pgettext("search result", "Chapter")
    if _is(page, EditionPage):
        return pgettext("search result", "Edition")
    return pgettext("search result", "Page")


@dataclass(frozen=True)
class Shown:
    """What a result shows of a page whatever the reader's words, kept per page until the next
    purge (caching/fragments.py). Built from the page's plain row and its stored text and stems
    (result_text.py), never from its body; a search then cuts the words of a result it has shown
    before only once."""

    title: str
    url: str
    kind: str
    text: str  # the published text a snippet is cut from
    words: tuple[str, ...]  # its words, and their stems (text.py)
    stems: tuple[str, ...]
    chapter: str = ""
    probability: str = ""


def _shown(request, pks: list[int], language: str) -> dict[int, Shown]:
    site = Site.find_for_request(request)
    keys = [(pk, language, site.pk if site else None) for pk in pks]

    def build(missing: list[tuple[int, str, int | None]]) -> dict:
        # Plain rows and the stored text (result_text.py): no page body is loaded.
        pages = {page.pk: page for page in Page.objects.filter(pk__in=[k[0] for k in missing])}
        texts = stored_or_computed(pages.values())
        # The chapter above each assessment, and the probability terms of the editions, at once.
        assessments = [p for p in pages.values() if _is(p, AssessmentPage)]
        probabilities = dict(
            AssessmentPage.objects.filter(pk__in=[p.pk for p in assessments]).values_list(
                "pk", "probability"
            )
        )
        chapter_paths = {parent_path(page.path) for page in assessments}
        chapters = dict(Page.objects.filter(path__in=chapter_paths).values_list("path", "title"))
        edition_paths = {parent_path(path) for path in chapter_paths}
        terms = {
            (path, key): f"{label} ({band_label(lower, upper)})"
            for path, key, label, lower, upper in ProbabilityTerm.objects.filter(
                edition__path__in=edition_paths
            ).values_list("edition__path", "key", "label", "lower_bound", "upper_bound")
        }
        built = {}
        for key in missing:
            page, stored = pages.get(key[0]), texts.get(key[0])
            if page is None or stored is None:
                continue
            found = words(stored.text)
            stems = stems_of_words(stored, found, language)
            chapter, probability = "", ""
            if page.pk in probabilities:
                chapter = chapters.get(parent_path(page.path), "")
                term = (parent_path(page.path, 2), probabilities[page.pk])
                probability = terms.get(term, "")
            built[key] = Shown(
                title=page.title,
                url=page.get_url(request) or "",
                kind=_kind(page),
                text=stored.text,
                words=tuple(found),
                stems=tuple(stems),
                chapter=chapter,
                probability=probability,
            )
        return built

    remembered = fragments.remember_many("search-result", keys, build, share=0.5)
    return {key[0]: shown for key, shown in remembered.items()}


def _results(
    request, hits: list[service.Hit], query: ParsedQuery, language: str, choices: service.Choices
) -> list:
    """The pages of `hits` as the results list shows them: title and snippet with the reader's
    words marked, the edition's year, the chapter and the probability term."""
    if not hits:
        return []
    shown = _shown(request, [pk for pk, _ in hits], language)
    stems = query.stems
    results = []
    for pk, path in hits:
        page = shown.get(pk)
        if page is None:
            continue
        results.append(
            Result(
                pk=pk,
                page_title=page.title,
                url=page.url,
                kind=page.kind,
                title=highlight(page.title, stems, language),
                snippet=snippet(page.text, stems, language, known=(page.words, page.stems)),
                year=choices.year_of(path) or None,
                chapter=page.chapter,
                probability=page.probability,
            )
        )
    return results


def _search_url(language: str, params: dict) -> str:
    with translation.override(language):
        url = reverse("search")
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


def _suggestions(raw: str, query: ParsedQuery, locale: Locale, form: FilterForm, choices):
    """For a search that found nothing: the same words without the filters, each word alone,
    and the same words in the other languages; only those that find something."""
    found: dict[str, list[Suggestion]] = {"unfiltered": [], "words": [], "languages": []}
    language = locale.language_code
    filters = form.filters()
    if filters:
        total = service.count(query, locale, service.Filters(), choices)
        if total:
            url = _search_url(language, {"q": query.text})
            found["unfiltered"].append(Suggestion(query.text, url, total))
    words = query.words_alone()
    if len(words) > 1:
        for word in words[:MAX_WORD_SUGGESTIONS]:
            total = service.count(parse(word, language), locale, service.Filters(), choices)
            if total:
                url = _search_url(language, {"q": word})
                found["words"].append(Suggestion(word, url, total))
    names = dict(settings.LANGUAGES)
    for other in Locale.objects.exclude(pk=locale.pk):
        code = other.language_code
        if code not in names:
            continue
        other_query = parse(raw, code)
        if not other_query:
            continue
        unfiltered = service.Choices(hidden=choices.hidden)
        total = service.count(other_query, other, service.Filters(), unfiltered)
        if total:
            url = _search_url(code, {"q": other_query.text})
            found["languages"].append(Suggestion(names[code], url, total, language=code))
    return found


def page_links(current: int, last: int) -> list[int | None]:
    """The page numbers the pagination shows: the first, the last, two either side of the
    current one; None where numbers are left out."""
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    # A language with no pages yet has no locale: nothing to find, but a normal page.
    locale = Locale.objects.filter(language_code=language).first()
    raw = request.GET.get("q", "")
    query = parse(raw, language)
    choices = service.choices_for(locale) if locale else service.Choices(hidden=[])
    form = FilterForm(request.GET, choices)
    filters, sort = form.filters(), form.ordering()
    searched = bool(query or filters)
    hits = service.search(query, locale, filters, choices, sort) if searched and locale else []
    paginator = Paginator(hits, PER_PAGE)
    page_of_results = paginator.get_page(request.GET.get("page"))
    results = _results(request, list(page_of_results.object_list), query, language, choices)
    params = {
        "q": query.text,
        "year": filters.year,
        "chapter": filters.chapter,
        "region": filters.region,
        "probability": filters.probability,
        "sort": sort if sort != service.RELEVANCE else "",
    }
    suggestions = None
    if searched and not hits and locale:
        suggestions = _suggestions(raw, query, locale, form, choices)
    if query and page_of_results.number == 1:
        record_search(query.text, language, len(hits), request=request)
    context = {
        "query": query,
        "raw_query": raw,
        "searched": searched,
        "form": form,
        "filters": filters,
        "hits_count": len(hits),
        "results": results,
        "page_of_results": page_of_results,
        "paginator": paginator,
        "page_links": page_links(page_of_results.number, paginator.num_pages),
        "page_query": urlencode({k: v for k, v in params.items() if v not in (None, "")}),
        "unfiltered_url": _search_url(language, {"q": query.text}) if filters else "",
        "suggestions": suggestions,
    }
    return TemplateResponse(request, "search/results.html", context)


@require_safe
def search_in_own_words(request: HttpRequest) -> HttpResponse:
    """`/lt/search/`: the search's address in another language's word. A permanent redirect to
    the language's own (`/lt/paieska/`), with the query kept, so that a shared link works."""
    return moved_for_good(request, reverse("search"))
