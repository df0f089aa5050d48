"""A link whose page id is not a number a page can have (sent by a hand-made request, or stored
by an import) must not lock the page's editor: the editor opened such a page with a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.test.utils.form_data import inline_formset, streamfield

from threatpress.core.tests.admin_forms import publish_through_admin
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db

ASSESSMENT = "/en/reports/2026/chapter-1/judgment-1-1/"
BAD_IDS = ["²", "٣", "1.5", "99999999999999999999", "1e3"]


def linked(text: str, page_id: str) -> str:
    """Draftail's JSON for `text` linked to a page by `page_id`, as the browser sends it."""
    entity = {"type": "LINK", "mutability": "MUTABLE", "data": {"id": page_id, "url": "/x/"}}
    block = {"key": "k1", "type": "unstyled", "depth": 0, "text": text, "data": {}}
    block |= {"inlineStyleRanges": [], "entityRanges": [{"offset": 0, "length": 4, "key": 0}]}
    return json.dumps({"blocks": [block], "entityMap": {"0": entity}})


def publish_body(editor, page, contentstate: str):
    return publish_through_admin(
        editor,
        page,
        {
            "summary": page.summary,
            "body": streamfield([("paragraph", contentstate)]),
            "probability": page.probability,
            "horizon": page.horizon,
            "regions": [],
            "footnotes": inline_formset([]),
        },
    )


@pytest.mark.parametrize("page_id", BAD_IDS)
def test_a_link_to_no_possible_page_is_saved_as_text_and_the_editor_still_opens(editor, page_id):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    response = publish_body(editor, page, linked("Read the foreword.", page_id))
    assert response.status_code == 302, response.context["form"].errors

    stored = str(AssessmentPage.objects.get(pk=page.pk).body.raw_data)
    assert "Read the foreword." in stored
    assert "linktype" not in stored  # the text stays, the link to nothing does not
    assert "entityMap" not in stored  # as text, not as the editor's JSON

    assert editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    reader = Client().get(ASSESSMENT)
    assert reader.status_code == 200
    assert "Read the foreword." in reader.content.decode()


@pytest.mark.parametrize("page_id", BAD_IDS)
def test_a_stored_link_to_no_possible_page_opens_in_the_editor_as_a_broken_link(editor, page_id):
    """Stored by an import or a script before this check: the editor opens, the text is kept."""
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    html = f'<p data-block-key="k1"><a linktype="page" id="{page_id}">Read the foreword.</a></p>'
    page.body = [("paragraph", html)]
    page.save_revision().publish()

    response = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "Read the foreword." in response.content.decode()

    # Saved again as the editor sends it back, unchanged: the page saves, the text stays as
    # text (Wagtail's converter raised on the link, and the tolerant editor then kept the
    # whole paragraph as its JSON).
    held = ContentstateConverter(features=["link", "bold"]).from_database_format(html)
    response = publish_body(editor, page, json.dumps(json.loads(held)))  # as the browser sends
    assert response.status_code == 302, response.context["form"].errors
    stored = str(AssessmentPage.objects.get(pk=page.pk).body.raw_data)
    assert "Read the foreword." in stored and "linktype" not in stored
    assert "entityMap" not in stored


def test_a_link_to_a_real_page_is_kept(editor):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    target = AssessmentPage.objects.get(slug="judgment-1-2")
    response = publish_body(editor, page, linked("Read the other.", str(target.pk)))
    assert response.status_code == 302, response.context["form"].errors
    stored = str(AssessmentPage.objects.get(pk=page.pk).body.raw_data)
    assert f'linktype="page" id="{target.pk}"' in stored
    assert target.url in Client().get(ASSESSMENT).content.decode()
