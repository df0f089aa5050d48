"""Rich text posted to the admin in a form its editor never sends is whitelisted, not a 500."""

import pytest
from wagtail.test.utils.form_data import inline_formset, streamfield

from threatpress.core.editor import TolerantContentstateConverter
from threatpress.core.tests.admin_forms import publish_through_admin
from threatpress.reports.models import AssessmentPage, ChapterPage

pytestmark = pytest.mark.django_db
HOSTILE_HTML = '<p>Kept<script>alert(1)</script> <a href="javascript:alert(2)">link</a></p>'


def test_html_instead_of_editor_json_in_a_rich_text_field(editor):
    chapter = ChapterPage.objects.get(slug="chapter-1")
    response = publish_through_admin(editor, chapter, {"introduction": HOSTILE_HTML})
    assert response.status_code == 302
    chapter.refresh_from_db()
    assert "Kept" in chapter.introduction
    assert "script" not in chapter.introduction
    assert "javascript" not in chapter.introduction


def test_html_instead_of_editor_json_in_a_body_paragraph(editor):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    fields = {
        "summary": page.summary,
        "body": streamfield([("paragraph", HOSTILE_HTML)]),
        "probability": "",
        "horizon": "",
        "regions": [],
        "footnotes": inline_formset([]),
    }
    response = publish_through_admin(editor, page, fields)
    assert response.status_code == 302
    page.refresh_from_db()
    stored = page.body[0].value.source
    assert "Kept" in stored
    assert "script" not in stored
    assert "javascript" not in stored


@pytest.mark.parametrize("posted", ["", "null", "{}", "[]", '{"blocks": 5}', '{"blocks": [{}]}'])
def test_empty_or_misshapen_json_is_no_error(posted):
    converted = TolerantContentstateConverter(["bold"]).to_database_format(posted)
    assert "<script" not in converted
