"""The editors' admin has its own Content Security Policy; readers keep the strict one.

The browser test (e2e/test_admin.py) proves the admin works under it; these check the headers and
that every inline script Wagtail writes carries the response's nonce.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.admin.widgets import AdminPageChooser
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.documents.models import Document
from wagtail.models import Site

from threatpress.core import admin_widgets
from threatpress.core.csp import _admin_request
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", re.I)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.fixture
def editor_client(edition):
    user = get_user_model().objects.create_superuser("csp-admin", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    return client


def test_admin_login_has_its_own_policy_without_inline_script():
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["script-src"][0] == "'self'"
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["style-src-attr"][0] == "'none'"


def test_public_pages_keep_the_strict_policy(edition):
    response = Client().get("/en/reports/2026/chapter-1/judgment-1-1/")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_footnote_dialog_gets_the_admin_policy(editor_client):
    response = editor_client.get("/footnotes/footnotes_modal/")
    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize("target", ["assessment", "site settings"])
def test_every_inline_script_of_an_admin_form_carries_the_nonce(editor_client, target):
    # An assessment has an inline panel and date pickers; site settings have page choosers.
    if target == "assessment":
        page = AssessmentPage.objects.get(slug="judgment-1-1")
        url = f"/admin/pages/{page.pk}/edit/"
    else:
        url = f"/admin/settings/core/siteidentity/{Site.objects.get().pk}/"
    response = editor_client.get(url)
    assert response.status_code == 200
    nonces = [v for v in directives(response)["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    scripts = INLINE_SCRIPT.findall(response.content.decode())
    assert scripts, "the form should have Wagtail's inline initialisers"
    assert all(f'nonce="{nonce}"' in attributes for attributes in scripts), scripts


def test_chooser_markup_is_wagtails_own_plus_the_nonce(rf, site_tree):
    # Guards the replacement of BaseChooser.render against a Wagtail upgrade changing the original.
    widget = AdminPageChooser()
    attrs = {"id": "id_page"}
    original = admin_widgets.WAGTAIL_CHOOSER_RENDER(widget, "page", site_tree.home.pk, attrs)
    request = rf.get("/admin/")
    request.csp_nonce = "n0nce"
    token = _admin_request.set(request)
    try:
        ours = BaseChooser.render(widget, "page", site_tree.home.pk, attrs)
    finally:
        _admin_request.reset(token)
    assert ours == original.replace("<script>", '<script nonce="n0nce">')


def test_a_preview_has_the_readers_policy_but_the_admin_may_frame_it(edition):
    # Wagtail renders previews through the middleware with the page's public path; the browser
    # test checks that the preview panel shows it.
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    response = page.make_preview_request(preview_mode=page.default_preview_mode)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]


def test_documents_keep_wagtails_deny_everything_policy(editor_client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    document = Document.objects.create(
        title="Sources", file=ContentFile(b"a,b\n1,2\n", name="sources.csv")
    )
    response = editor_client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'"
