"""The readiness board in a real browser: the demo's Publisher opens it from the unreleased 2027
edition's header menu, reads what blocks the release, follows the link to the page that blocks
it, and the board's own content passes axe-core."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import PUBLISHER, manage, watch_csp
from .test_admin import log_in
from .test_pages_in_browser import WCAG_AA

# (A draft edition's own row keeps the slug it was created with; its children's are unique.)
ASSESSMENT_PATH = "/cyber-and-sabotage/sabotage-by-proxy-will-continue/"
# As an author's "Submit to Edition review" does: the page's latest revision enters review
# (Workflow.start makes no new revision, so its Lithuanian translation stays current).
THE_PAGE = f"""
from threatpress.reports.models import AssessmentPage
page = AssessmentPage.objects.get(
    url_path__endswith="{ASSESSMENT_PATH}", locale__language_code="en"
)
"""
IN_REVIEW = f"""{THE_PAGE}
from django.contrib.auth import get_user_model
from wagtail.models import Workflow
from threatpress.publishing.roles import WORKFLOW_NAME
author = get_user_model().objects.get(username="author")
Workflow.objects.get(name=WORKFLOW_NAME).start(page, author)
"""
# Leave the demo as shipped for the release-day test, which schedules this edition.
REVIEW_CANCELLED = f"""{THE_PAGE}
page.current_workflow_state.cancel()
"""
# Wagtail's own chrome (sidebar, header) is Wagtail's to fix; this checks what we added.
OUR_CONTENT = {"include": [[".readiness"]]}


def test_publisher_sees_what_blocks_the_draft_edition(
    page: Page, site: dict[str, str], screenshot_dir
):
    violations = watch_csp(page)
    manage(site, "shell", "-c", IN_REVIEW)
    try:
        log_in(page, PUBLISHER)
        page.goto("/admin/releases/")
        page.get_by_role("link", name="National Threat Assessment 2027").click()
        page.get_by_role("button", name="Actions").first.click()
        page.get_by_role("link", name="Readiness").click()

        expect(
            page.get_by_role("heading", level=2, name=re.compile("Not ready to release"))
        ).to_have_text(re.compile(r"Not ready to release: 1 problem blocks it$"))
        blocker = page.locator(".readiness-blockers li")
        expect(blocker).to_have_count(1)
        expect(blocker).to_contain_text("(English): Still in moderation: waiting for “Review”.")
        expect(page.locator(".readiness-release")).to_contain_text("Release: not scheduled.")
        for language in ("English", "Lietuvių"):
            expect(
                page.get_by_role("heading", level=2, name=re.compile(f"^{language}: "))
            ).to_be_visible()
        row = page.get_by_role("row", name=re.compile("recruiting criminals")).first
        expect(row).to_contain_text("In moderation")
        expect(row).to_contain_text("Blocks: Still in moderation: waiting for “Review”.")

        results = Axe().run(page, context=OUR_CONTENT, options=WCAG_AA)
        assert results.violations_count == 0, results.generate_report()
        page.screenshot(path=str(screenshot_dir / "admin-readiness-1280.png"), full_page=True)

        blocker.get_by_role("link").click()
        expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
        expect(page.locator("#id_title")).to_have_value(re.compile("recruiting criminals"))
        assert violations == []
    finally:
        manage(site, "shell", "-c", REVIEW_CANCELLED)
