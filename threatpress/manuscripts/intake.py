"""What the command and the admin share around saving: reading a file with what the edition
knows (its scale, the countries), the proposals as confirmations, problems by heading."""

from __future__ import annotations

from collections import defaultdict

from django.utils import translation
from wagtail.models import Locale

from threatpress.regions.models import Region
from threatpress.reports.models import EditionPage
from threatpress.reports.scale import DEFAULT_PROBABILITY_TERMS

from .manuscript import Manuscript, Problem
from .saving import Confirmation, current_choices, positions


def _reader():
    """The one place that calls the reader (reading.py), imported when first needed; the
    command's tests wrap it to see what the command hands the reader."""
    from .reading import read_manuscript

    return read_manuscript


def scale_for(year: int, locale: Locale) -> dict[str, str]:
    """The probability terms an import can choose from, key → label: the edition's, or the
    default scale in that language for an edition not yet created."""
    edition = EditionPage.objects.filter(year=year, locale=locale).first()
    if edition is not None:
        return {key: term.label for key, term in edition.scale.items()}
    with translation.override(locale.language_code):
        return {term.key: str(term.label) for term in DEFAULT_PROBABILITY_TERMS}


def regions_of(locale: Locale):
    return Region.objects.filter(locale=locale).order_by("name")


def read(data: bytes, *, year: int, locale: Locale) -> Manuscript:
    return _reader()(
        data,
        language=locale.language_code,
        probability_terms=scale_for(year, locale),
        region_names=[region.name for region in regions_of(locale)],
    )


def proposals(manuscript: Manuscript, *, year: int, locale: Locale) -> dict[str, Confirmation]:
    """What the text suggests for each assessment, as if the publisher accepted all of it,
    beside what the page already has: the probability the text names (else the page's), and
    the page's countries and regions with those the text names added. A country an editor
    tagged by hand stays ticked when the text does not name it; unticking it is a choice the
    publisher makes on the confirmation form, never one a re-import makes for them."""
    by_name = {region.name.casefold(): region.pk for region in regions_of(locale)}
    current = current_choices(manuscript, year=year, locale=locale)
    result = {}
    for key, _chapter, assessment in positions(manuscript):
        now = current.get(key, Confirmation())
        named = (by_name.get(name.casefold()) for name in assessment.proposed_regions)
        regions = now.regions + tuple(pk for pk in named if pk and pk not in now.regions)
        result[key] = Confirmation(
            probability=assessment.proposed_probability or now.probability,
            regions=regions,
        )
    return result


def by_heading(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems grouped under their heading, in the order the document has them."""
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        grouped[problem.heading].append(problem)
    return dict(grouped)
