"""The leak test: an edition scheduled for tomorrow whose every text carries a unique marker.

An anonymous crawler visits every URL it can find or guess: the home page, the archive, the
sitemap, feeds, search, the summary, an API, predictable export and media file names. The marker
must appear nowhere, and every embargoed URL must answer 404 (not 403, which would reveal that
something is there). Then the clock moves past go-live and the marker must appear where it should.
Surfaces that later issues add (search, feeds, sitemaps, exports, the API) are crawled already, so
they inherit the test the day they exist.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail_footnotes.models import Footnote

from threatpress.conftest import as_drafts, build_edition, publish_all, translate_tree
from threatpress.exports import builder
from threatpress.exports.models import ExportFile
from threatpress.publishing import scheduler
from threatpress.publishing.release import edition_pages, schedule_release
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage
from threatpress.translations.state import mark_translated

from .media import figure_block, make_document, make_image, use_disk_storage

pytestmark = [pytest.mark.django_db, pytest.mark.search_index]
MARKER = f"zq{uuid.uuid4().hex[:12]}"
# A meta tag's content is followed when it is an address (og:url, citation_pdf_url), not when it
# is a date or a word ("2026/03/10", "article").
LINK = re.compile(
    r"""(?:href|src|action)\s*=\s*["']([^"']+)["']|content\s*=\s*["']((?:/|https?:)[^"']*)["']"""
    r"""|<loc>([^<]+)</loc>"""
)
SRCSET = re.compile(r"""srcset\s*=\s*["']([^"']+)["']""")
JSON_PATH = re.compile(r'"((?:http://testserver)?/[^"\s]*)"')
MAX_URLS = 400

# Surfaces a reader, a search engine or a curious journalist would try. Some do not exist yet;
# they must then answer 404 like everything else, and this test covers them when they appear.
GUESSES = [
    "/",
    "/en/",
    "/lt/",
    "/robots.txt",
    "/sitemap.xml",
    "/en/sitemap.xml",
    "/feed/",
    "/en/feed/",
    "/lt/feed/",
    "/en/feed.atom",
    "/en/feeds/atom.xml",
    f"/en/search/?q={MARKER}",
    f"/lt/paieska/?q={MARKER}",
    f"/en/search/?q={MARKER}&year=2027",
    f"/en/search/?q={MARKER}&sort=newest",
    "/en/search/?year=2027",
    "/en/search/?q=judgment+sentence",
    f"/search/?q={MARKER}",
    f"/api/v2/pages/?search={MARKER}",
    "/api/v2/pages/",
    "/api/pages/",
    "/en/reports/",
    "/en/reports/latest/",
    "/en/reports/2027.pdf",
    "/en/reports/2027/national-threat-assessment-2027.pdf",
    "/en/reports/2027/audio/",
    "/en/reports/2027/national-threat-assessment-2027.mp3",
    "/media/exports/",
    "/documents/",
    # The public API (threatpress/api) and the country pages (threatpress/regions).
    "/api/v2/editions/",
    "/api/v2/editions/?year=2027",
    "/api/v2/assessments/?limit=100",
    "/api/v2/assessments/?year=2027",
    f"/api/v2/assessments/?region=region-{MARKER}",
    "/api/v2/regions/?limit=100",
    "/api/v2/pages/?limit=100",
    "/api/v2/pages/?limit=100&offset=100",
    "/en/regions/",
    "/lt/regionai/",
]


def embargoed_edition(reports) -> dict[str, list[str]]:
    """Build the 2027 edition as drafts with the marker everywhere; return its URLs by kind."""
    edition = build_edition(reports, 2027, chapters=2, per_chapter=2)
    image = make_image(f"Chart {MARKER}", f"chart-{MARKER}.png")
    document = make_document(f"Annex {MARKER}", f"annex-{MARKER}.txt", f"Annex text {MARKER}.")
    edition.foreword = f"<p>Foreword {MARKER}.</p>"
    edition.search_description = f"Description {MARKER}"
    chapter = ChapterPage.objects.child_of(edition).first()
    chapter.slug = f"chapter-{MARKER}"
    chapter.title = f"Chapter {MARKER}"
    chapter.introduction = f"<p>Introduction {MARKER}.</p>"
    chapter.save()
    # A country only the embargoed edition names, and one the public edition names too.
    secret_region = Region.objects.create(name=f"Region {MARKER}", slug=f"region-{MARKER}")
    shared_region = Region.objects.create(name="Armenia", slug="armenia")
    for page in AssessmentPage.objects.descendant_of(reports).exclude(
        pk__in=AssessmentPage.objects.descendant_of(edition)
    ):
        page.regions = [shared_region]
        page.save_revision().publish()
    for page in AssessmentPage.objects.descendant_of(edition):
        note = str(uuid.uuid4())
        page.title = f"Judgment {page.slug} {MARKER} is a full sentence."
        page.summary = f"Summary {MARKER}."
        page.body = [
            {
                "type": "paragraph",
                "value": f'<p>Body {MARKER}<footnote id="{note}">[{note[:6]}]</footnote>, see '
                f'<a linktype="document" id="{document.pk}">the annex</a>.</p>',
            },
            figure_block(image),
        ]
        page.footnotes = [Footnote(uuid=note, text=f"<p>Source {MARKER}</p>", locale=page.locale)]
        page.regions = [secret_region, shared_region]
        page.save()
    edition.save()
    as_drafts(edition)  # written and revised, never published
    # The Lithuanian edition, translated (the home and archive already are, and public).
    translate_tree(edition.get_parent(), "lt", descendants=False)
    lithuanian = EditionPage.objects.get(pk=edition.pk).copy_for_translation(
        Locale.objects.get(language_code="lt")
    )
    lithuanian.save_revision()
    mark_translated(lithuanian, None)
    # Editors preview the pages, which creates the image's renditions on disk.
    rendition_urls = [image.get_rendition(spec).url for spec in ("width-800", "width-1600")]

    pages = {
        "edition": ["/en/reports/2027/"],
        "routes": [f"/en/reports/2027/{route}/" for route in ("summary", "foreword", "scale")],
        "chapters": [],
        "assessments": [],
        "media": [image.file.url, *rendition_urls, document.url],
    }
    for page in Page.objects.descendant_of(edition).specific():
        kind = "chapters" if isinstance(page, ChapterPage) else "assessments"
        pages[kind].append(page.get_url())
    pages["print"] = ["/en/reports/2027/print/"]
    # The files of the edition, a chapter and an assessment (prepared before the release).
    assessment = pages["assessments"][0]
    slug = assessment.rstrip("/").rsplit("/", 1)[1]
    pages["exports"] = [
        "/en/reports/2027/national-threat-assessment-2027.pdf",
        "/en/reports/2027/national-threat-assessment-2027-print.pdf",
        "/en/reports/2027/national-threat-assessment-2027.mp3",
        f"/en/reports/2027/chapter-{MARKER}/chapter-{MARKER}-2027.pdf",
        f"{assessment}{slug}-2027.pdf",
        f"{assessment}{slug}-2027.mp3",
    ]
    # Document files are never served from /media/, only through Wagtail's document view.
    pages["never"] = [document.file.url]
    pages["translation"] = [lithuanian.get_url()]
    pages["regions"] = [f"/en/regions/region-{MARKER}/"]
    return pages


def local_links(base: str, body: str) -> set[str]:
    found = set()
    for match in LINK.finditer(body):
        found.add(match.group(1) or match.group(2) or match.group(3))
    for match in SRCSET.finditer(body):
        found.update(part.strip().split(" ")[0] for part in match.group(1).split(","))
    found.update(JSON_PATH.findall(body))
    links = set()
    for link in found:
        url = urlsplit(urljoin(base, link.replace("&amp;", "&")))
        if url.scheme in ("", "http") and url.netloc in ("", "testserver"):
            path = url.path + (f"?{url.query}" if url.query else "")
            if not path.startswith("/admin/") and not path.startswith("/static/"):
                links.add(path)
    return links


def crawl(client, seeds: list[str]) -> dict[str, tuple[int, bytes, str]]:
    """Fetch every seed and every local link reachable from them, like an anonymous reader."""
    seen: dict[str, tuple[int, bytes, str]] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_URLS:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = "\n".join(f"{k}: {v}" for k, v in response.items())
        seen[url] = (response.status_code, body, headers)
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(response["Location"])
        elif response.status_code == 200 and response.get("Content-Type", "").startswith(
            ("text/", "application/xml", "application/json", "application/atom")
        ):
            queue.extend(local_links(url, body.decode("utf-8", "replace")))
    assert len(seen) < MAX_URLS, "crawl did not finish; raise MAX_URLS"
    return seen


# Embargoed text as it is written in the edition. A URL that itself carries the marker (a search
# for it, a guessed slug) may echo the bare marker back; it must never return these phrases.
PHRASES = [
    f"{word} {MARKER}".encode()
    for word in ("Foreword", "Description", "Chapter", "Introduction", "Summary", "Body", "Source")
] + [f"{MARKER} is a full sentence".encode(), f"Annex text {MARKER}".encode()]


def leaks(fetched: dict[str, tuple[int, bytes, str]]) -> list[str]:
    found = []
    for url, (_, body, headers) in fetched.items():
        if MARKER in url:
            leaked = any(phrase in body for phrase in PHRASES)
        else:
            leaked = MARKER.encode() in body or MARKER in headers
        if leaked:
            found.append(url)
    return found


@pytest.fixture
def site(site_tree, settings, tmp_path):
    use_disk_storage(settings, tmp_path)
    publish_all(build_edition(site_tree.reports, 2026))
    return embargoed_edition(site_tree.reports)


def test_an_embargoed_edition_leaks_nowhere_and_appears_everywhere_at_go_live(
    client,
    site,
    engines,
):
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    edition = EditionPage.objects.get(year=2027, locale__language_code="en")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    schedule_release(edition, tomorrow, publisher)
    scheduler.tick()  # the scheduler runs all day; nothing is due yet
    # The export worker prepares the edition's files (the stand-in engine writes the text
    # uncompressed, so the marker can be looked for in them) and the public edition's files.
    assert builder.build_due() > 0
    assert ExportFile.objects.filter(prepared=True).exists()

    embargoed = [url for kind, urls in site.items() if kind != "never" for url in urls]
    before = crawl(client, GUESSES + embargoed + site["never"])
    leaked = leaks(before)
    assert leaked == [], {u: before[u][0] for u in leaked}
    assert len(before) > 40  # the crawl really walked the public site
    public_assessments = [u for u in before if u.startswith("/en/reports/2026/chapter-")]
    assert len(public_assessments) >= 6
    for url in embargoed:
        assert before[url][0] == 404, f"{url} answered {before[url][0]} before go-live"

    with time_machine.travel(tomorrow + datetime.timedelta(seconds=1), tick=False):
        assert scheduler.tick() == len(edition_pages(edition))
    built = len(engines)
    after = crawl(client, GUESSES + embargoed + site["never"])
    assert len(engines) == built  # the files were ready at the instant: nothing was built
    assert after[site["never"][0]][0] == 404  # document files only ever go through their view
    for url in embargoed:
        status = after[url][0]
        assert status == 200, f"{url} answered {status} after go-live"
    for kind in (
        "edition",
        "routes",
        "chapters",
        "assessments",
        "translation",
        "exports",
        "regions",
    ):
        for url in site[kind]:
            if url.endswith("/scale/"):
                continue  # the probability scale carries no text of ours
            assert MARKER.encode() in after[url][1], f"{url} lacks the released text"
    # The search finds the released text from the instant of its release.
    found = after[f"/en/search/?q={MARKER}"][1].decode()
    assert f"<mark>{MARKER}</mark> is a full sentence" in found
    assert "<mark>" in after[f"/lt/paieska/?q={MARKER}"][1].decode()
    # Readers find the new edition by following links, not only by guessing its URLs.
    found_by_links = crawl(client, ["/"])
    assert site["assessments"][0] in found_by_links
    # The country pages and the API have it too, and the shared country names it first.
    assert MARKER.encode() in after["/en/regions/"][1]
    assert MARKER.encode() in after["/api/v2/assessments/?year=2027"][1]
    assert MARKER.encode() in after["/api/v2/regions/?limit=100"][1]
    armenia = client.get("/en/regions/armenia/").content.decode()
    assert armenia.index("2027") < armenia.index("2026")
