"""Admin › Import manuscript in a real browser: the demo's Publisher uploads a .docx built in the
test, corrects the probability term the text proposed, saves, and follows the result's link to
the draft; the confirmation screen's content passes axe-core."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from threatpress.manuscripts.tests.builders import JUDGMENTS
from threatpress.manuscripts.tests.docx_builder import small_manuscript

from .conftest import PUBLISHER, watch_csp
from .test_admin import log_in
from .test_pages_in_browser import WCAG_AA

# A year the demo has no edition for, so the import creates one and touches no other test's pages.
YEAR = "2033"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Wagtail's own chrome (sidebar, header) is Wagtail's to fix; this checks what we added.
OUR_CONTENT = {"include": [["main form"], ["main p"]]}


def test_publisher_imports_a_manuscript_and_opens_a_draft(page: Page, screenshot_dir):
    violations = watch_csp(page)
    log_in(page, PUBLISHER)
    page.get_by_role("link", name="Import manuscript").click()
    expect(page).to_have_url(re.compile(r"/admin/manuscripts/import/$"))
    # The live site is shared with the other browser tests: a title of its own keeps their
    # "National Threat Assessment 2027" locators on the demo's edition.
    page.get_by_label("Manuscript (.docx)").set_input_files(
        {
            "name": "edition-2033.docx",
            "mimeType": DOCX,
            "buffer": small_manuscript(title=f"Imported manuscript {YEAR}"),
        }
    )
    page.get_by_label("Edition year").fill(YEAR)
    page.get_by_label("Language of the manuscript").select_option("en")
    page.get_by_role("button", name="Read the manuscript").click()

    expect(page).to_have_url(re.compile(r"/admin/manuscripts/import/[\w-]+/$"))
    expect(page.locator("fieldset[data-assessment]")).to_have_count(4)
    first = page.locator('fieldset[data-assessment="1.1"]')
    expect(first).to_contain_text(JUDGMENTS[0][0])
    probability = first.get_by_label("Probability")
    expect(probability).to_have_value("likely")  # "are likely to continue" in the summary
    expect(first.get_by_role("checkbox", name="Belarus")).to_be_checked()

    results = Axe().run(page, context=OUR_CONTENT, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    assert results.response["passes"], "the scan found the form"
    page.screenshot(path=str(screenshot_dir / "admin-import-confirm-1280.png"), full_page=True)

    probability.select_option("highly-likely")
    page.get_by_role("button", name="Save as drafts").click()

    expect(page.locator("[data-summary]")).to_contain_text(
        "7 created as drafts, 0 with a new revision for review, 0 unchanged."
    )
    expect(page.locator('tr[data-outcome="created"]')).to_have_count(7)
    page.get_by_role("link", name=JUDGMENTS[0][0]).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.locator("#id_title")).to_have_value(JUDGMENTS[0][0])
    expect(page.locator("#id_probability")).to_have_value("highly-likely")
    assert violations == []
