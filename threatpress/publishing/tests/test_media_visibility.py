"""An uploaded file is public only while a public page uses it; editors see everything."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page

from threatpress.reports.models import AssessmentPage

from .media import document_link_block, figure_block, make_document, make_image, use_disk_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def disk(settings, tmp_path):
    use_disk_storage(settings, tmp_path)


@pytest.fixture
def draft_page(edition) -> AssessmentPage:
    """An assessment that has never been published."""
    page = AssessmentPage.objects.get(slug="judgment-1-2")
    Page.objects.filter(pk=page.pk).update(live=False)
    return AssessmentPage.objects.get(pk=page.pk)


def use_in(page: AssessmentPage, *blocks: dict, publish: bool) -> None:
    page = AssessmentPage.objects.get(pk=page.pk)
    page.body = list(blocks)
    revision = page.save_revision()
    if publish:
        revision.publish()


def urls_of(image) -> list[str]:
    return [image.file.url, image.get_rendition("width-20").url]


def test_an_image_used_only_by_a_draft_is_not_served_to_readers(client, draft_page):
    image = make_image("Embargoed chart", "embargoed-chart.png")
    use_in(draft_page, figure_block(image), publish=False)
    for url in urls_of(image):
        assert url.startswith("/media/")
        assert client.get(url).status_code == 404


def test_the_same_image_is_served_once_its_page_is_published(client, draft_page):
    image = make_image("Released chart", "released-chart.png")
    use_in(draft_page, figure_block(image), publish=True)
    for url in urls_of(image):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        # Revalidated on every use, so that unpublishing takes effect at once.
        assert response["Cache-Control"] == "public, no-cache"


def test_a_figure_whose_image_was_deleted_is_left_out_not_shown_broken(client, edition):
    """An editor deletes an image a published page still shows (Wagtail warns, but allows it):
    readers get the page without that figure, not an empty picture, and the other stays."""
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    kept, deleted = make_image("Kept chart", "kept.png"), make_image("Old map", "old-map.png")
    use_in(page, figure_block(kept), figure_block(deleted), publish=True)
    assert client.get(page.url).content.decode().count('class="figure"') == 2
    deleted.delete()
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="figure"') == 1
    assert 'src=""' not in html and kept.title not in html  # the figure's words are its own
    assert "kept" in html  # the kept chart's rendition


def test_an_image_added_in_a_live_pages_unpublished_draft_stays_private(client, edition):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.save_revision().publish()
    image = make_image("Draft-only chart", "draft-only-chart.png")
    use_in(page, figure_block(image), publish=False)
    assert client.get(image.file.url).status_code == 404


def test_unpublishing_the_page_withdraws_its_image(client, draft_page):
    image = make_image("Withdrawn chart", "withdrawn-chart.png")
    use_in(draft_page, figure_block(image), publish=True)
    assert client.get(image.file.url).status_code == 200
    AssessmentPage.objects.get(pk=draft_page.pk).unpublish()
    assert client.get(image.file.url).status_code == 404


def test_an_image_nobody_uses_and_unknown_files_are_404(client, edition):
    image = make_image("Orphan", "orphan.png")
    assert client.get(image.file.url).status_code == 404
    assert client.get("/media/original_images/no-such-file.png").status_code == 404
    assert client.get("/media/../threatpress/settings/base.py").status_code == 404
    assert client.get("/media/secret_key", follow=True).status_code == 404


def test_an_editor_previewing_a_draft_gets_its_images_uncached(client, draft_page):
    image = make_image("Preview chart", "preview-chart.png")
    use_in(draft_page, figure_block(image), publish=False)
    client.force_login(get_user_model().objects.create_superuser("editor", password="x" * 20))
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_document_is_served_only_while_a_public_page_links_to_it(client, draft_page):
    document = make_document("Annex", "annex.txt", "Annex text.")
    use_in(draft_page, document_link_block(document), publish=False)
    serve_url = document.url
    assert serve_url.startswith("/documents/")
    assert client.get(serve_url).status_code == 404
    assert client.get(document.file.url).status_code == 404

    use_in(draft_page, document_link_block(document), publish=True)
    response = client.get(serve_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Annex text."
