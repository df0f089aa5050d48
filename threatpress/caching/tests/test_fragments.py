"""Remembered fragments (the header's links, the language switcher, an edition's contents): a
change that purges pages changes them at once, and previews and drafts never leak through them.

These tests commit (transaction=True): fragments are only kept outside a transaction, and the
purge that drops them runs after the commit, as in production.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.models import PageViewRestriction, Site

from threatpress.caching import fragments, purge_log, store
from threatpress.caching.invalidation import purge_now
from threatpress.conftest import build_edition, publish_all, translate_tree
from threatpress.reports.models import AssessmentPage, ChapterPage
from threatpress.reports.tests.factories import AssessmentPageFactory

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"
WARM_BUDGET = 2


@pytest.fixture
def edition(site_tree, settings, tmp_path):
    settings.THREATPRESS_CACHE_PURGE_LOG = tmp_path / "purges.log"
    fragments.clear()
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=2)
    publish_all(site_tree.home)
    yield edition
    fragments.clear()


def html(client, path: str = PAGE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def queries(client, path: str = PAGE) -> int:
    with CaptureQueriesContext(connection) as captured:
        html(client, path)
    return len(captured)


def test_a_repeated_render_reads_the_fragments_and_not_the_database(
    client, edition, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as cold:
        first = html(client)
    # The budget of a page whose route, header, switcher, contents, visibility, terms, regions,
    # downloads and body are remembered (29 on the first render, as in
    # reports/tests/test_assessment_page.py).
    with django_assert_max_num_queries(WARM_BUDGET) as warm:
        again = html(client)
    assert again == first
    assert len(warm) < len(cold)
    fragments.clear()
    assert queries(client) > len(warm)


def test_a_publish_and_an_unpublish_change_the_contents_at_once(client, edition):
    assert "Judgment 1.2 of 2026" in html(client)
    chapter = edition.get_children().first()
    new = AssessmentPageFactory(
        parent=chapter, slug="judgment-1-3", title="A newly published judgment is here."
    )
    new.save_revision().publish()
    assert "A newly published judgment is here." in html(client)
    AssessmentPage.objects.get(slug="judgment-1-2").unpublish()
    assert "Judgment 1.2 of 2026" not in html(client)


def test_a_copy_published_from_the_admin_is_listed_and_served_at_once(client, edition):
    """The admin's Copy with "publish copies" ticked puts a live page on the site without a
    publish: the chapter lists it and its address serves it on the next request, though both
    the chapter and the route down to it were remembered."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    chapter = "/en/reports/2026/chapter-1/"
    copy_path = f"{chapter}judgment-1-1-copy/"
    html(client, chapter)
    assert client.get(copy_path).status_code == 404
    publisher = Client()
    publisher.force_login(get_user_model().objects.create_superuser("editor", password="x" * 20))
    original = AssessmentPage.objects.get(slug="judgment-1-1")
    response = publisher.post(
        reverse("wagtailadmin_pages:copy", args=[original.pk]),
        {
            "new_title": "A copied judgment, published at once.",
            "new_slug": "judgment-1-1-copy",
            "new_parent_page": original.get_parent().pk,
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "A copied judgment, published at once." in html(client, chapter)
    assert "A copied judgment, published at once." in html(client, copy_path)


def test_chapters_reordered_in_the_admin_are_read_in_the_new_order_at_once(client, edition):
    """An editor drags the second chapter above the first in the admin's page listing (no
    publish): the edition's contents show the new order and numbers on the next request,
    though they were remembered."""
    import re

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    def contents() -> list[tuple[str, str]]:
        page = html(client, "/en/reports/2026/")
        return re.findall(r'contents__number">(\d+)\.</span> (Chapter \d)<', page)

    second = edition.add_child(instance=ChapterPage(title="Chapter 2", slug="chapter-2"))
    second.save_revision().publish()
    assert contents() == [("1", "Chapter 1"), ("2", "Chapter 2")]
    editor = Client()
    editor.force_login(get_user_model().objects.create_superuser("editor", password="x" * 20))
    response = editor.post(
        reverse("wagtailadmin_pages:set_page_position", args=[second.pk]) + "?position=0"
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert contents() == [("1", "Chapter 2"), ("2", "Chapter 1")]


def test_an_expiry_changes_the_contents_at_the_scheduler_run(client, edition):
    assert "Judgment 1.2 of 2026" in html(client)
    expiring = AssessmentPage.objects.get(slug="judgment-1-2")
    AssessmentPage.objects.filter(pk=expiring.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    assert "Judgment 1.2 of 2026" in html(client)  # no signal yet: still remembered
    call_command("publish_scheduled")
    assert "Judgment 1.2 of 2026" not in html(client)


def test_a_published_home_page_changes_the_header_at_once(client, edition, site_tree):
    assert "Renamed service" not in html(client)
    home = site_tree.home.specific
    home.organisation = "Renamed service"
    home.save_revision().publish()
    assert "Renamed service" in html(client)


def test_a_translation_marked_translated_appears_in_the_switcher_at_once(
    client, edition, site_tree
):
    assert 'hreflang="lt"' not in html(client)
    translate_tree(AssessmentPage.objects.get(slug="judgment-1-1"))
    assert 'hreflang="lt"' in html(client)


def test_a_preview_neither_reads_nor_writes_the_fragments(client, edition):
    html(client)  # the public contents are remembered now
    AssessmentPageFactory(
        parent=edition.get_children().first(),
        slug="judgment-1-3",
        title="Draft judgment here.",
        live=False,  # created as a draft, as the admin does: no purge
    )
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    remembered = fragments.held()
    preview = page.make_preview_request(preview_mode=page.default_preview_mode)
    # The preview lists the draft (so it did not read the public contents)...
    assert "Draft judgment here." in preview.content.decode()
    # ...and stored nothing, so a reader never gets what it built.
    assert fragments.held() == remembered
    assert "Draft judgment here." not in html(client)


def test_a_draft_body_is_never_shown_for_the_live_one(client, edition):
    """The body is remembered by page and live revision, which a draft of that page shares: a
    preview must neither serve the remembered body nor leave its own for readers."""
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    live = html(client)  # the live body is remembered now
    page.body = [{"type": "paragraph", "value": "<p>Draft wording, not yet cleared.</p>"}]
    page.save_revision()
    draft = AssessmentPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.live_revision_id == page.live_revision_id
    for _ in range(2):  # before and after readers' requests
        preview = draft.make_preview_request(preview_mode=draft.default_preview_mode)
        assert "Draft wording, not yet cleared." in preview.content.decode()
        assert html(client) == live
    fragments.clear()
    preview = draft.make_preview_request(preview_mode=draft.default_preview_mode)
    assert html(client) == live  # the preview rendered first stored nothing either


def test_a_remembered_citation_takes_the_new_day(client, edition):
    """The citation is remembered per day: its access date is the day the reader reads it."""
    import datetime

    import time_machine

    day = datetime.datetime(2026, 11, 5, 12, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        assert 'datetime="2026-11-05"' in html(client)
        assert 'datetime="2026-11-05"' in html(client)
    with time_machine.travel(day + datetime.timedelta(days=1), tick=False):
        page = html(client)
    assert 'datetime="2026-11-06"' in page and 'datetime="2026-11-05"' not in page


@pytest.mark.search_index
def test_a_renamed_region_shows_everywhere_at_once(client, edition):
    """A region is a snippet, not a page: renaming it purges as a publish does."""
    from threatpress.regions.models import Region

    page = AssessmentPage.objects.get(slug="judgment-1-1")
    region = Region.objects.create(name="Ruritania", slug="ruritania", locale=page.locale)
    page.regions.add(region)
    page.save_revision().publish()

    def region_choices() -> list[str]:
        response = client.get("/en/search/", {"q": "judgment"})
        return [label for _, label in response.context["form"].fields["region"].choices[1:]]

    assert "Ruritania" in html(client) and region_choices() == ["Ruritania"]
    region.name = "Grand Fenwick"
    region.save()
    assert "Grand Fenwick" in html(client) and "Ruritania" not in html(client)
    assert region_choices() == ["Grand Fenwick"]


def test_the_api_feed_sitemap_and_country_page_follow_a_withdrawal_and_a_release_at_once(
    client, edition
):
    """They ask which pages are public through the remembered hidden subtrees (path prefixes
    rather than a correlated subquery for every page, which made the API's listings take
    0.1-0.8 s on the demo's archive): an edition taken down takes its judgments out of all of
    them at once, and its release brings them back, in listings and counts alike."""
    from threatpress.regions.models import Region

    judgment = AssessmentPage.objects.get(slug="judgment-1-1")
    region = Region.objects.create(name="Ruritania", slug="ruritania", locale=judgment.locale)
    judgment.regions.add(region)
    judgment.save_revision().publish()
    title = judgment.title

    def everywhere() -> dict[str, bool]:
        listing = client.get("/api/v2/assessments/").json()["items"]
        regions = client.get("/api/v2/regions/").json()["items"]
        country = client.get("/en/regions/ruritania/")
        return {
            "api listing": any(item["id"] == judgment.pk for item in listing),
            "api record": client.get(f"/api/v2/assessments/{judgment.pk}/").status_code == 200,
            "api regions": any(r["slug"] == "ruritania" and r["judgments"] == 1 for r in regions),
            "feed": title in client.get("/en/feed/").content.decode(),
            "sitemap": PAGE in client.get("/sitemap.xml").content.decode(),
            "country page": country.status_code == 200 and title in country.content.decode(),
        }

    shown = dict.fromkeys(everywhere(), True)
    assert everywhere() == shown
    assert everywhere() == shown  # now from the remembered subtrees
    edition.refresh_from_db()
    edition.unpublish()  # the judgment stays live below a page that is not
    assert everywhere() == dict.fromkeys(shown, False)
    edition.refresh_from_db()
    edition.save_revision().publish()
    assert everywhere() == shown


def test_a_locale_added_in_the_admin_is_known_at_the_next_request(client, edition):
    from wagtail.models import Locale

    from threatpress.core.request_locales import locale_codes

    html(client)  # the language codes are remembered now
    assert "de" not in locale_codes(None).values()
    Locale.objects.create(language_code="de")
    assert "de" in locale_codes(None).values()


def test_nothing_is_kept_inside_a_transaction(edition):
    calls = []
    with transaction.atomic():
        fragments.remember("test", 1, lambda: calls.append(1))
        fragments.remember("test", 1, lambda: calls.append(1))
    assert len(calls) == 2 and ("test", 1) not in fragments.held()


def test_a_full_store_keeps_the_newest_values(edition, monkeypatch):
    """After a crawl has filled the store, what readers ask for next is still remembered: the
    oldest value makes room for it (until now the store refused every new value)."""
    monkeypatch.setattr(fragments, "MAX_ENTRIES", 3)
    builds = []

    def value(name: str):
        return fragments.remember("test", name, lambda: builds.append(name) or name)

    for name in ("archive-1", "archive-2", "archive-3", "new-edition"):
        value(name)
    assert value("new-edition") == "new-edition" and builds.count("new-edition") == 1
    value("archive-1")
    assert builds.count("archive-1") == 2  # the oldest made room
    assert len([key for key in fragments.held() if key[0] == "test"]) == 3


def test_search_results_are_kept_in_a_full_store_within_their_share(edition, monkeypatch):
    """A crawl fills the store; a search's results are still remembered after it (they used to
    be refused once the store was full), taking at most their share of it: a further result
    replaces the oldest result, not a page's value."""
    monkeypatch.setattr(fragments, "MAX_ENTRIES", 4)
    for name in ("archive-1", "archive-2", "archive-3", "archive-4"):
        fragments.remember("test", name, lambda name=name: name)
    builds: list[str] = []

    def results(keys: list[str]) -> dict:
        def build(missing):
            builds.extend(missing)
            return {key: key.upper() for key in missing}

        return fragments.remember_many("search-result", keys, build, share=0.5)

    assert results(["x", "y"]) == {"x": "X", "y": "Y"}
    assert results(["x", "y"]) == {"x": "X", "y": "Y"} and builds == ["x", "y"]
    results(["z"])
    kinds = [key[0] for key in fragments.held()]
    assert kinds.count("search-result") == 2 and kinds.count("test") == 2
    assert results(["y", "z"]) == {"y": "Y", "z": "Z"} and builds == ["x", "y", "z"]


def test_a_store_too_small_for_a_share_answers_without_keeping(edition, monkeypatch):
    monkeypatch.setattr(fragments, "MAX_ENTRIES", 1)  # half of it is no entry at all
    found = fragments.remember_many("search-result", ["x"], lambda keys: {"x": "X"}, share=0.5)
    assert found == {"x": "X"} and not fragments.held()


def test_drafts_are_read_once_per_purge_for_both_visibility_checks(edition):
    # Routing asks whether a page has a draft above it; the contents and the header ask which
    # subtrees are hidden. Both come from the same drafts and unmarked translations.
    page = AssessmentPage.objects.live().first()
    assert fragments.hidden_by_tree(page) is False
    with CaptureQueriesContext(connection) as captured:
        assert fragments.hidden_subtrees() == []
    assert len(captured) == 1  # the view restrictions; the drafts were read already
    assert "pageviewrestriction" in captured[0]["sql"]


def test_a_value_built_across_a_purge_is_not_kept(edition):
    def build_while_purged() -> str:
        purge_log.append(["/en/"])
        return "old state"

    assert fragments.remember("test", 2, build_while_purged) == "old state"
    assert fragments.remember("test", 2, lambda: "new state") == "new state"
    assert fragments.remember("test", 2, lambda: "not built again") == "new state"


def test_a_remembered_route_follows_unpublishing_renaming_and_view_restrictions(client, edition):
    assert client.get(PAGE).status_code == 200  # its route is remembered now
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.unpublish()
    assert client.get(PAGE).status_code == 404
    page.refresh_from_db()
    page.slug = "renamed-judgment"
    page.save_revision().publish()
    assert client.get("/en/reports/2026/chapter-1/renamed-judgment/").status_code == 200
    # Not the remembered page: Wagtail's redirect from the old slug.
    assert client.get(PAGE)["Location"] == "/en/reports/2026/chapter-1/renamed-judgment/"
    # A restriction purges the page, and with it the restrictions remembered for it.
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/en/reports/2026/chapter-1/renamed-judgment/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_remembered_page_follows_what_happens_above_it(client, edition):
    """Routing and Wagtail's checks remember each level of the tree, whether a page above is a
    draft and which restrictions exist: a change above a page shows on the next request."""
    chapter = edition.get_children().first().specific
    assert client.get(PAGE).status_code == 200
    chapter.unpublish()
    assert client.get(PAGE).status_code == 404  # a live page under a draft chapter
    chapter.save_revision().publish()
    assert client.get(PAGE).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=edition, restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]
    restriction.delete()
    assert client.get(PAGE).status_code == 200
    with transaction.atomic():  # nothing is kept here: Wagtail's own queries, the same answer
        assert client.get(PAGE).status_code == 200


def test_after_a_purge_the_next_pages_of_a_chapter_read_only_their_own_rows(client, edition):
    """Routing reads a parent's children at once, and regions and translations are read for a
    whole edition or chapter: after a purge the first page pays for its chapter, and its
    neighbour reads only its files and notes (it read eight queries when each page read its
    own route step, regions and translations)."""
    translate_tree(edition)
    fragments.clear()
    html(client, PAGE)
    neighbour = "/en/reports/2026/chapter-1/judgment-1-2/"
    assert queries(client, neighbour) <= 2
    assert "Judgment 1.2 of 2026" in html(client, neighbour)
    # Its translation is offered, and the translation's own neighbour costs as little.
    lithuanian = 'hreflang="lt" href="http://testserver/lt/reports/2026/chapter-1/judgment-1-2/"'
    assert lithuanian in html(client, neighbour)
    html(client, "/lt/reports/2026/chapter-1/judgment-1-1/")
    assert queries(client, "/lt/reports/2026/chapter-1/judgment-1-2/") <= 2


def test_a_parent_with_many_children_is_routed_one_child_at_a_time(client, edition, monkeypatch):
    from threatpress.core import models

    monkeypatch.setattr(models, "CHILDREN_AT_ONCE", 0)
    assert "Judgment 1.2 of 2026" in html(client, "/en/reports/2026/chapter-1/judgment-1-2/")
    assert client.get("/en/reports/2026/chapter-1/judgment-1-9/").status_code == 404
    held = {key for kind, key in fragments.held() if kind == "child-page"}
    assert held  # the chapter's two children, each read alone; the unknown slug not kept
    assert not any(slug == "judgment-1-9" for _, slug in held)
    assert not any(kind in ("children", "chrome-children") for kind, _ in fragments.held())


def test_an_address_that_finds_nothing_is_not_remembered(client, edition):
    assert client.get("/en/reports/2026/chapter-1/judgment-1-9/").status_code == 404
    assert not any(kind == "route" for kind, _ in fragments.held())
    AssessmentPageFactory(
        parent=edition.get_children().first(), slug="judgment-1-9", title="Now it exists here."
    ).save_revision().publish()
    assert client.get("/en/reports/2026/chapter-1/judgment-1-9/").status_code == 200


@pytest.mark.search_index
def test_a_view_restriction_takes_a_page_out_of_the_search_at_once(client, edition):
    def found() -> bool:
        response = client.get("/en/search/", {"q": "judgment"})
        return "/en/reports/2026/chapter-1/judgment-1-2/" in response.content.decode()

    assert found()  # the search's filter choices and hidden subtrees are remembered now
    restriction = PageViewRestriction.objects.create(
        page=AssessmentPage.objects.get(slug="judgment-1-2"),
        restriction_type=PageViewRestriction.LOGIN,
    )
    assert not found()
    restriction.delete()
    assert found()


@pytest.mark.search_index
def test_search_results_are_remembered_and_a_publish_shows_the_new_text(client, edition):
    def results(words: str) -> list:
        response = client.get("/en/search/", {"q": words})
        assert response.status_code == 200
        return [(r.page_title, r.url, str(r.snippet)) for r in response.context["results"]]

    with CaptureQueriesContext(connection) as cold:
        first = results("judgment")
    with CaptureQueriesContext(connection) as warm:
        again = results("judgment")
    assert again == first and len(first) == 2
    assert len(warm) < len(cold)  # the pages shown were not loaded again

    page = AssessmentPage.objects.get(slug="judgment-1-2")
    page.title = "Zeeland's ports are a full sentence."
    page.summary = "Shipping through Zeeland doubled."
    page.save_revision().publish()
    [(title, url, snippet)] = results("zeeland")
    assert title == "Zeeland's ports are a full sentence."
    assert url == "/en/reports/2026/chapter-1/judgment-1-2/"
    assert "<mark>Zeeland</mark>" in snippet


def site_queries(client, path: str = PAGE) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return sum('FROM "wagtailcore_site"' in query["sql"] for query in captured)


def test_the_site_is_looked_up_once_and_again_after_a_site_changes(client, edition, site_tree):
    site_queries(client)
    assert site_queries(client) == 0  # the remembered Site (caching/sites.py)

    site = Site.objects.get()
    site.hostname, site.is_default_site = "elsewhere.example", False
    site.save()
    # No Site answers this host any more: Wagtail's 404, not the remembered Site's page.
    assert client.get(PAGE).status_code == 404
    site.hostname, site.is_default_site = "localhost", True
    site.save()
    assert "Judgment 1.2 of 2026" in html(client)


def test_a_host_django_refuses_is_not_remembered(client, edition):
    html(client)
    response = client.get(PAGE, HTTP_HOST="made-up.example")
    assert response.status_code == 400
    held = [key for key in fragments.held() if key[0] == "site-for-host"]
    assert held and all(host != "made-up.example" for host, _port in (key[1] for key in held))


@pytest.mark.search_index
def test_a_correction_shows_everywhere_at_once_and_keeps_the_chrome_remembered(client, edition):
    """An assessment published again with a new body and summary: every address that shows them
    shows the new text on the next request, though the values that cannot show it (the Site,
    the header's links, the switcher, the search filters) are not built again."""
    from threatpress.regions.models import Region

    page = AssessmentPage.objects.get(slug="judgment-1-1")
    region = Region.objects.create(name="Ruritania", slug="ruritania", locale=page.locale)
    page.regions.add(region)
    page.save_revision().publish()
    lists = [
        "/en/reports/2026/chapter-1/",
        "/en/reports/2026/summary/",
        "/en/regions/ruritania/",
    ]
    purge_now({PAGE})  # as a structural change of this page would
    after_structural_purge = queries(client)
    for path in [PAGE, *lists, "/en/search/?q=judgment"]:
        html(client, path)
    kept = {k: v for k, v in fragments.held().items() if k[0] in fragments.STRUCTURAL_KINDS}
    assert {kind for kind, _ in kept} >= {"site-for-host", "site_links", "search-choices"}

    page = AssessmentPage.objects.get(pk=page.pk)
    page.summary = "Ruritania's harbour closed to tankers in May."
    page.body = [{"type": "paragraph", "value": "<p>The harbour master's order, quoted.</p>"}]
    page.save_revision().publish()

    after_correction = queries(client)
    assert "The harbour master&#x27;s order, quoted." in html(client)
    # Only the route and the contents were read again, not the Site, the hidden subtrees, the
    # header's links, the identity and the switcher (at least eight queries between them).
    assert after_correction <= after_structural_purge - 8
    for path in lists:
        assert "Ruritania&#x27;s harbour closed to tankers in May." in html(client, path), path
    html(client, "/en/search/?q=judgment")
    held = fragments.held()
    assert all(held.get(key) is value for key, value in kept.items())  # not built again
    response = client.get("/en/search/", {"q": "tankers"})
    [result] = response.context["results"]
    assert result.url == PAGE and "<mark>tankers</mark>" in str(result.snippet)


@pytest.mark.search_index
def test_a_renamed_chapter_changes_the_search_filters_at_once(client, edition):
    """A structural change (a title) drops the values a correction keeps."""

    def chapter_choices() -> dict:
        response = client.get("/en/search/", {"q": "judgment"})
        return dict(response.context["form"].fields["chapter"].choices[1:])

    assert chapter_choices() == {"chapter-1": "Chapter 1"}
    chapter = edition.get_children().first().specific
    chapter.title = "Energy and ports"
    chapter.save_revision().publish()
    assert chapter_choices() == {"chapter-1": "Energy and ports"}


class TestFigures:
    """A figure's visibility (is a public page using it?) is remembered until the next purge:
    readers' browsers ask for it with every page, and a withdrawal still takes effect at once."""

    @pytest.fixture(autouse=True)
    def disk(self, settings, tmp_path):
        from wagtail.models import Collection

        from threatpress.publishing.tests.media import use_disk_storage

        use_disk_storage(settings, tmp_path / "media")
        if Collection.get_first_root_node() is None:  # emptied by an earlier committing test
            Collection.add_root(name="Root")

    @staticmethod
    def figure_on(slug: str, title: str):
        from threatpress.publishing.tests.media import figure_block, make_image

        image = make_image(title, f"{slug}-figure.png")
        page = AssessmentPage.objects.get(slug=slug)
        page.body = [figure_block(image), {"type": "paragraph", "value": "<p>Text.</p>"}]
        page.save_revision().publish()
        return image, image.get_rendition("width-20").url

    def test_a_figure_asked_for_again_is_served_without_asking_the_database_who_uses_it(
        self, client, edition
    ):
        _image, url = self.figure_on("judgment-1-1", "Chart")
        with CaptureQueriesContext(connection) as first:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as again:
            assert client.get(url).status_code == 200
        assert len(again) == 1, [q["sql"] for q in again]  # which image's file it is
        assert len(first) > len(again)

    def test_unpublishing_its_page_withdraws_a_remembered_figure_at_once(self, client, edition):
        _image, url = self.figure_on("judgment-1-1", "Chart")
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200  # remembered
        AssessmentPage.objects.get(slug="judgment-1-1").unpublish()
        assert client.get(url).status_code == 404

    def test_a_corrected_body_without_the_figure_withdraws_it_at_once(self, client, edition):
        """Published again with only its body changed: a text-only purge, which structural
        values survive, and this one must not."""
        _image, url = self.figure_on("judgment-1-1", "Chart")
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200
        page = AssessmentPage.objects.get(slug="judgment-1-1")
        page.body = [{"type": "paragraph", "value": "<p>The chart was wrong.</p>"}]
        structure = store.structure_generation()
        page.save_revision().publish()
        assert store.structure_generation() == structure  # text-only, indeed
        assert client.get(url).status_code == 404

    def test_a_replaced_image_file_shows_on_its_page_at_once(self, client, edition):
        """An editor replaces a chart's file in the admin: Wagtail deletes the old renditions
        and their files, so a page kept from before would show a broken figure."""
        import re

        from django.contrib.auth import get_user_model
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client
        from django.urls import reverse

        image, _url = self.figure_on("judgment-1-1", "Chart")

        def figure_src() -> str:
            return re.search(r'<img[^>]* src="([^"]+)"', html(client)).group(1)

        before = figure_src()
        assert client.get(before).status_code == 200
        editor = Client()
        editor.force_login(get_user_model().objects.create_superuser("editor", password="x" * 20))
        buffer = io.BytesIO()
        PILImage.new("RGB", (60, 30), "maroon").save(buffer, format="PNG")
        response = editor.post(
            reverse("wagtailimages:edit", args=[image.pk]),
            {
                "title": "Chart, corrected",
                "file": SimpleUploadedFile("chart-corrected.png", buffer.getvalue(), "image/png"),
                "collection": image.collection_id,
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert client.get(before).status_code == 404  # the old rendition's file is gone
        after = figure_src()
        assert after != before
        assert client.get(after).status_code == 200

    def test_a_figure_of_a_draft_is_refused_until_the_release_then_served(self, client, edition):
        from threatpress.publishing.tests.media import figure_block, make_image

        image = make_image("Embargoed chart", "embargoed-chart.png")
        page = AssessmentPage.objects.get(slug="judgment-1-2")
        page.unpublish()
        page = AssessmentPage.objects.get(slug="judgment-1-2")
        page.body = [figure_block(image)]
        revision = page.save_revision()
        assert client.get(image.file.url).status_code == 404
        assert client.get(image.file.url).status_code == 404  # remembered as not public
        revision.publish()
        assert client.get(image.file.url).status_code == 200


def test_a_remembered_edition_route_is_still_counted_and_checked_as_that_route(client, edition):
    """A route remembered from an earlier request still names the edition's route it found:
    the readership counts it under that route, not under the edition's front page, and an
    address in another language's words still redirects to the page's own."""
    from threatpress.readership import counting
    from threatpress.readership.models import PageViewDay
    from threatpress.readership.tests.conftest import BROWSER

    client.defaults["HTTP_USER_AGENT"] = BROWSER
    for _ in range(3):
        assert client.get("/en/reports/2026/summary/").status_code == 200
        moved = client.get("/en/reports/2026/santrauka/")
        assert (moved.status_code, moved["Location"]) == (301, "/en/reports/2026/summary/")
    counting.flush()
    rows = PageViewDay.objects.filter(date=counting.today()).values_list("route", "views")
    assert list(rows) == [("summary", 3)]


def test_a_child_of_a_type_its_parent_does_not_allow_is_still_routed(client, edition):
    """A chapter's children are read as assessments in one query; a page of another type put
    there by a script (the admin would refuse it) is found all the same, as Wagtail finds it."""
    from threatpress.core.models import InformationPage

    chapter = ChapterPage.objects.get(slug="chapter-1")
    chapter.add_child(instance=InformationPage(title="Errata", slug="errata", intro="Corrected."))
    errata = InformationPage.objects.get(slug="errata")
    errata.save_revision().publish()
    fragments.clear()
    assert "Corrected." in html(client, "/en/reports/2026/chapter-1/errata/")
    assert client.get(PAGE).status_code == 200
