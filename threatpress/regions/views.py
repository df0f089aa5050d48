"""Country and region pages: `/en/regions/` and `/en/regions/<slug>/` (`/lt/regionai/…`).

Plain Django views rather than a Wagtail page: there is nothing for an editor to write on them
(the names are the Region snippets, the rest is the judgments), and a page in the tree would have
to be created, translated and published in every language before the addresses worked.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from wagtail.models import Locale

from threatpress.translations import alternates

from .judgments import judgments_about, languages_with_home, regions_index, timeline
from .models import Region


def _locale() -> Locale:
    try:
        return Locale.get_active()
    except Locale.DoesNotExist as missing:  # a language in settings without its locale row
        raise Http404 from missing


def index(request: HttpRequest):
    locale = _locale()
    if locale.pk not in languages_with_home():
        raise Http404  # a language without a public home page has no pages yet
    groups = regions_index(locale.pk)
    return render(
        request,
        "regions/index.html",
        {
            "kind_groups": groups,
            "page_alternates": alternates.for_regions_index(request),
            "canonical_path": reverse("regions:index"),
        },
    )


def detail(request: HttpRequest, slug: str):
    locale = _locale()
    region = Region.objects.filter(locale=locale, slug=slug).first()
    if region is None:
        raise Http404
    groups = judgments_about(region)
    if not groups:
        raise Http404  # a region no public judgment concerns has no page
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "groups": groups,
            "timeline": timeline(groups),
            "judgment_total": sum(len(g.judgments) for g in groups),
            "page_alternates": alternates.for_region(request, region),
            "canonical_path": request.path,
        },
    )
