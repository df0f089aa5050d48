"""The purged set is exactly right: every public address whose response a change alters is
purged, and the other edition's addresses are not. Proved by crawling the whole site (the leak
test's crawler) before and after each kind of change."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from wagtail.models import Locale

from threatpress.caching import policy, purge_log
from threatpress.conftest import translate_tree
from threatpress.exports import builder
from threatpress.publishing.tests.test_leak import crawl
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage
from threatpress.translations.state import mark_translated, mark_untranslated

pytestmark = pytest.mark.django_db
SEEDS = ["/en/", "/lt/", "/sitemap.xml", "/robots.txt", "/en/feed/", "/lt/feed/", "/en/regions/"]
SEEDS += ["/api/v2/editions/", "/api/v2/assessments/", "/api/v2/regions/", "/api/v2/pages/"]


@pytest.fixture
def site(site_tree, editions, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.THREATPRESS_CACHE_PURGE_LOG = tmp_path / "purges.log"
    with django_capture_on_commit_callbacks(execute=True):
        return _build(*editions)


def _build(older, current):
    region = Region.objects.create(
        name="Ruritania", slug="ruritania", locale=Locale.objects.get(language_code="en")
    )
    for edition in (older, current):
        page = AssessmentPage.objects.descendant_of(edition).order_by("path").first()
        page.regions.add(region)
        page.save_revision().publish()
    translate_tree(current)
    return older, current


def purged(log) -> set[str]:
    return set(log.read_text().splitlines()) if log.exists() else set()


def cacheable(fetched: dict) -> dict:
    """What the page cache or a shared cache may hold: 200s at cacheable addresses, and the
    API's answers without a query string (public for a minute; our VCL keeps them). Not the
    PDFs and recordings: `no-cache`, a shared cache asks the app again before each use."""
    return {
        url: body
        for url, (status, body, headers) in fetched.items()
        if status == 200
        and "?" not in url
        and (policy.cacheable_path(url) or url.startswith("/api/v2/"))
        and not re.search(r"^Cache-Control:.*\bno-(cache|store)\b", headers, re.M | re.I)
    }


def changed_between(before: dict, after: dict) -> set[str]:
    """The addresses whose cacheable response appeared, disappeared or differs."""
    return {url for url in before.keys() | after.keys() if before.get(url) != after.get(url)}


def unpublish_an_assessment(current):
    AssessmentPage.objects.descendant_of(current).order_by("path").first().unpublish()


def publish_a_change(current):
    page = AssessmentPage.objects.descendant_of(current).order_by("path").last()
    page.title = "A changed key judgment is a full sentence."
    page.save_revision().publish()


def drop_the_country(current):
    page = AssessmentPage.objects.descendant_of(current).exclude(regions=None).first()
    page.regions.clear()
    page.save_revision().publish()


def _a_lithuanian_assessment(current) -> AssessmentPage:
    lithuanian = current.get_translation(Locale.objects.get(language_code="lt"))
    return AssessmentPage.objects.descendant_of(lithuanian).order_by("path").last()


def hide_a_translation(current):
    """Not a change under test: the state a fresh copy starts in (hidden until marked)."""
    mark_untranslated(_a_lithuanian_assessment(current))


def mark_a_translation_translated(current):
    mark_translated(_a_lithuanian_assessment(current), None)


def test_every_changed_address_is_purged_and_the_other_edition_is_not(
    client, site, settings, django_capture_on_commit_callbacks
):
    """One site, four changes in a row (one crawl between each): an assessment stops naming a
    country, unpublishing an assessment, publishing a new version of another, and a
    translation marked translated (its original's switcher and hreflang change)."""
    older, current = site
    log = settings.THREATPRESS_CACHE_PURGE_LOG
    older_path = older.get_url_parts()[2]
    before = cacheable(crawl(client, SEEDS))
    assert len([u for u in before if u.startswith(older_path)]) >= 6  # the other edition
    assert any(u.startswith("/lt/") for u in before)
    changes = (
        drop_the_country,
        unpublish_an_assessment,
        publish_a_change,
        mark_a_translation_translated,
    )
    for change in changes:
        if change is mark_a_translation_translated:
            hide_a_translation(current)
            before = cacheable(crawl(client, SEEDS))
        log.unlink(missing_ok=True)
        with django_capture_on_commit_callbacks(execute=True):
            change(current)
        translation.activate("en")
        after = cacheable(crawl(client, SEEDS))
        paths = purged(log)
        assert paths and purge_log.EVERYTHING not in paths, change.__name__
        changed = changed_between(before, after)
        assert changed, f"{change.__name__} altered no page: the test proves nothing"
        assert changed <= paths, (change.__name__, sorted(changed - paths))
        if change is drop_the_country:
            # The page still lists the other edition's judgment, so it is public and changed.
            assert "/en/regions/ruritania/" in changed
        if change is mark_a_translation_translated:
            assert any(u.startswith("/en/") for u in changed)  # the switcher of the original
        assert not [p for p in paths if p.startswith(older_path)], change.__name__
        before = after


def test_a_new_body_then_a_new_summary_purge_what_shows_them_and_nothing_else(
    client, site, settings, engines, django_capture_on_commit_callbacks
):
    """An assessment published again with only its body changed, then with only its summary
    changed: each time the crawl finds every address whose response changed among the purged
    ones (its page, the print view, the pages whose PDF of it is now being prepared; for the
    summary the lists that show it, its country page among them), and the purge leaves the
    edition's other judgments and the other language alone (and, for the body, the country
    pages too). One site for both: building it and its files is most of the time."""
    older, current = site
    log = settings.THREATPRESS_CACHE_PURGE_LOG
    with django_capture_on_commit_callbacks(execute=True):
        builder.build_due()  # every file ready: a new body makes some of them "being prepared"
    page = AssessmentPage.objects.descendant_of(current).exclude(regions=None).first()
    chapter = page.get_parent()
    before = cacheable(crawl(client, SEEDS))
    for field in ("body", "summary"):
        log.unlink(missing_ok=True)
        page = AssessmentPage.objects.get(pk=page.pk)
        if field == "body":
            page.body = [{"type": "paragraph", "value": "<p>The reasoning, written again.</p>"}]
        else:
            page.summary = "The summary, written again."
        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        translation.activate("en")
        after = cacheable(crawl(client, SEEDS))
        paths = purged(log)
        changed = changed_between(before, after)
        assert page.url in changed, field
        if field == "body":
            assert current.url in changed  # the edition's PDF is being prepared
            assert "/en/regions/ruritania/" not in paths
        else:  # the lists that show it with its summary
            assert {chapter.url, f"{current.url}summary/", "/en/regions/ruritania/"} <= changed
        assert changed <= paths, (field, sorted(changed - paths))
        others = AssessmentPage.objects.descendant_of(current).exclude(pk=page.pk)
        assert not {other.url for other in others} & paths, field
        assert not [p for p in paths if p.startswith(("/lt/", older.url))], field
        before = after


def test_a_finished_file_purges_the_pages_that_offer_it_and_not_the_edition(
    client, site, settings, engines, django_capture_on_commit_callbacks
):
    """A judgment's PDF and recording, then the edition's, finished one after the other: each
    purge holds every address whose response changed, and none of the other judgments'."""
    older, current = site
    log = settings.THREATPRESS_CACHE_PURGE_LOG
    page = AssessmentPage.objects.descendant_of(current).order_by("path").last()
    for root in (page, current):
        before = cacheable(crawl(client, SEEDS))
        log.unlink(missing_ok=True)
        jobs = [job for job in builder.due_jobs() if job.plan.root.pk == root.pk]
        assert jobs
        with django_capture_on_commit_callbacks(execute=True):
            for job in jobs:
                builder.build(job)
        translation.activate("en")
        after = cacheable(crawl(client, SEEDS))
        paths = purged(log)
        changed = changed_between(before, after)
        assert root.url in changed  # it now offers the file
        assert changed <= paths, sorted(changed - paths)
        others = AssessmentPage.objects.descendant_of(current).exclude(pk=page.pk)
        assert not {other.url for other in others} & paths
        assert not [p for p in paths if p.startswith(("/lt/", older.url, "/en/regions/"))]
