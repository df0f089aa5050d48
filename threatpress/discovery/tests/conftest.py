"""A bilingual site with every kind of page that must never be found: a draft, an embargoed
edition, a restricted chapter and a translation not yet marked as translated."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction, Site

from threatpress.conftest import (
    Tree,
    as_drafts,
    build_edition,
    build_site,
    kept_for_the_module,
    publish_all,
    translate_tree,
)
from threatpress.core.models import SiteIdentity
from threatpress.publishing.release import schedule_release
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage
from threatpress.reports.tests.factories import AssessmentPageFactory, ChapterPageFactory

ORGANISATION = "State Assessment Office"
ORGANISATION_LT = "Valstybės vertinimo tarnyba"


@dataclass
class Site2:
    edition: EditionPage  # 2026, public in English and Lithuanian
    embargoed: EditionPage  # 2027, scheduled for `release_at`
    release_at: datetime.datetime
    hidden: dict[str, str] = field(default_factory=dict)  # why -> URL that must never be listed


def _hidden_pages(edition: EditionPage) -> dict[str, str]:
    chapter = ChapterPage.objects.child_of(edition).get(slug="chapter-1")
    draft = AssessmentPageFactory(parent=chapter, slug="draft-judgment", title="Draft judgment.")
    as_drafts(draft)
    restricted = ChapterPageFactory(parent=edition, slug="restricted", title="Restricted chapter")
    inside = AssessmentPageFactory(parent=restricted, slug="inside", title="Restricted judgment.")
    publish_all(restricted)
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    # A Lithuanian copy that is live but still holds the English text (not marked translated).
    lithuanian = Locale.objects.get(language_code="lt")
    original = AssessmentPage.objects.child_of(chapter).get(slug="judgment-1-1")
    original.get_translation(lithuanian).delete()
    untranslated = original.copy_for_translation(lithuanian)
    untranslated.save_revision().publish()
    return {
        "draft": draft.get_url(),
        "restricted chapter": restricted.get_url(),
        "restricted assessment": inside.get_url(),
        "untranslated": untranslated.get_url(),
    }


@pytest.fixture(scope="module")
def _bilingual_once(django_db_setup, django_db_blocker) -> Iterator[Site2]:
    with kept_for_the_module(django_db_blocker):
        yield build_bilingual(build_site())


@pytest.fixture
def bilingual(_bilingual_once, db) -> Site2:
    """The site, built once per module; each test gets fresh copies of its pages."""
    cache.clear()
    return Site2(
        edition=EditionPage.objects.get(pk=_bilingual_once.edition.pk),
        embargoed=EditionPage.objects.get(pk=_bilingual_once.embargoed.pk),
        release_at=_bilingual_once.release_at,
        hidden=dict(_bilingual_once.hidden),
    )


def build_bilingual(site_tree: Tree) -> Site2:
    site = Site.objects.get(is_default_site=True)
    identity = SiteIdentity.for_site(site)
    identity.organisation = ORGANISATION
    identity.save()
    edition = build_edition(site_tree.reports, 2026, chapters=2, per_chapter=2)
    publish_all(site_tree.home)
    translate_tree(edition, "lt")
    home_lt = site_tree.home.get_translation(Locale.objects.get(language_code="lt"))
    home_lt.specific.organisation = ORGANISATION_LT
    home_lt.specific.save_revision().publish()
    hidden = _hidden_pages(edition)
    embargoed = build_edition(site_tree.reports, 2027, chapters=1, per_chapter=2)
    as_drafts(embargoed)
    release_at = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    schedule_release(EditionPage.objects.get(pk=embargoed.pk), release_at, publisher)
    hidden["embargoed edition"] = "/en/reports/2027/"
    hidden["embargoed assessment"] = "/en/reports/2027/chapter-1/judgment-1-1/"
    return Site2(
        edition=EditionPage.objects.get(pk=edition.pk),
        embargoed=EditionPage.objects.get(pk=embargoed.pk),
        release_at=release_at,
        hidden=hidden,
    )


def public_urls(language: str) -> set[str]:
    """Paths of every public page in `language`, as the site serves them."""
    from threatpress.publishing.visibility import public_pages

    return {
        page.get_url()
        for page in public_pages(Page.objects.filter(depth__gt=1, locale__language_code=language))
    }


def assessment(site: Site2, slug: str, language: str = "en") -> AssessmentPage:
    """An assessment of the public 2026 edition, in `language`."""
    edition = site.edition
    if language != "en":
        edition = edition.get_translation(Locale.objects.get(language_code=language))
    return AssessmentPage.objects.descendant_of(edition).get(slug=slug)
