"""Which page may live under which: declared both ways and enforced by Wagtail."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from threatpress.conftest import build_site
from threatpress.core.models import InformationPage
from threatpress.reports.models import (
    AssessmentPage,
    ChapterPage,
    EditionPage,
    HomePage,
    ReportsIndexPage,
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_sits_at_the_top(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {ReportsIndexPage, InformationPage})

    def test_reports_archive_holds_editions_only(self):
        self.assertAllowedParentPageTypes(ReportsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ReportsIndexPage, {EditionPage})

    def test_edition_holds_chapters_only(self):
        self.assertAllowedParentPageTypes(EditionPage, {ReportsIndexPage})
        self.assertAllowedSubpageTypes(EditionPage, {ChapterPage})

    def test_chapter_holds_assessments_only(self):
        self.assertAllowedParentPageTypes(ChapterPage, {EditionPage})
        self.assertAllowedSubpageTypes(ChapterPage, {AssessmentPage})

    def test_assessment_is_a_leaf(self):
        self.assertAllowedParentPageTypes(AssessmentPage, {ChapterPage})
        self.assertAllowedSubpageTypes(AssessmentPage, set())

    def test_information_pages_live_under_home(self):
        self.assertAllowedParentPageTypes(InformationPage, {HomePage})
        self.assertAllowedSubpageTypes(InformationPage, set())

    def test_only_one_archive_per_home(self):
        tree = build_site()
        self.assertFalse(ReportsIndexPage.can_create_at(tree.home))


class AdminCreationTests(WagtailPageTestCase):
    """An editor can build an edition through the admin forms."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = build_site()

    def setUp(self):
        self.login()

    def test_editor_creates_an_edition_whose_slug_is_its_year(self):
        self.assertCanCreate(
            self.tree.reports,
            EditionPage,
            nested_form_data(
                {
                    "title": "National Threat Assessment 2031",
                    "slug": "anything-typed-here",
                    "year": 2031,
                    "published_at": "2031-03-10 10:00",
                    "cutoff_date": "2031-01-15",
                    "foreword": rich_text("<p>Foreword.</p>"),
                    "foreword_signed_by": "",
                    "probability_terms": inline_formset(
                        [
                            {
                                "key": "unlikely",
                                "label": "Unlikely",
                                "lower_bound": 0,
                                "upper_bound": 50,
                                "description": "",
                            },
                            {
                                "key": "likely",
                                "label": "Likely",
                                "lower_bound": 50,
                                "upper_bound": 100,
                                "description": "",
                            },
                        ]
                    ),
                    "time_horizons": inline_formset(
                        [
                            {
                                "key": "near",
                                "label": "Near term",
                                "span": "0–2 years",
                                "description": "",
                            }
                        ]
                    ),
                }
            ),
        )
        edition = EditionPage.objects.get(year=2031)
        self.assertEqual(edition.slug, "2031")
        self.assertEqual(edition.url_path, "/home/reports/2031/")
        self.assertEqual([t.key for t in edition.probability_terms.all()], ["unlikely", "likely"])

    def test_editor_creates_a_chapter_and_an_assessment(self):
        from threatpress.reports.tests.factories import EditionPageFactory

        edition = EditionPageFactory(parent=self.tree.reports, year=2032)
        self.assertCanCreate(
            edition,
            ChapterPage,
            nested_form_data(
                {
                    "title": "Crisis regions",
                    "slug": "crisis-regions",
                    "introduction": rich_text("<p>Intro.</p>"),
                }
            ),
        )
        chapter = ChapterPage.objects.get(slug="crisis-regions")
        self.assertCanCreate(
            chapter,
            AssessmentPage,
            nested_form_data(
                {
                    "title": "Russia has lost its main lever in the South Caucasus.",
                    "slug": "south-caucasus",
                    "summary": "Azerbaijan's operation ended Russia's role as arbiter.",
                    "body": streamfield([]),
                    "probability": "highly-likely",
                    "horizon": "mid",
                    "regions": [],
                    "footnotes": inline_formset([]),
                }
            ),
        )
        assessment = AssessmentPage.objects.get(slug="south-caucasus")
        self.assertEqual(assessment.probability, "highly-likely")

    def test_new_edition_form_starts_with_the_standard_scale(self):
        from django.urls import reverse

        url = reverse(
            "wagtailadmin_pages:add", args=("reports", "editionpage", self.tree.reports.pk)
        )
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        for value in ("unlikely", "possible", "likely", "highly-likely", "6 months–2 years"):
            self.assertContains(response, f'value="{value}"')

    def test_edition_form_refuses_a_year_that_exists(self):
        from django.urls import reverse

        from threatpress.reports.tests.factories import EditionPageFactory

        EditionPageFactory(parent=self.tree.reports, year=2034)
        url = reverse(
            "wagtailadmin_pages:add", args=("reports", "editionpage", self.tree.reports.pk)
        )
        data = nested_form_data(
            {
                "title": "Another 2034",
                "slug": "",
                "year": 2034,
                "published_at": "2034-03-10 10:00",
                "cutoff_date": "2034-01-15",
                "foreword": rich_text("<p>x</p>"),
                "foreword_signed_by": "",
                "probability_terms": inline_formset(
                    [
                        {
                            "key": "a",
                            "label": "A",
                            "lower_bound": 0,
                            "upper_bound": 50,
                            "description": "",
                        },
                        {
                            "key": "b",
                            "label": "B",
                            "lower_bound": 50,
                            "upper_bound": 100,
                            "description": "",
                        },
                    ]
                ),
                "time_horizons": inline_formset(
                    [{"key": "n", "label": "N", "span": "1 year", "description": ""}]
                ),
            }
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)  # the form again, with the error
        self.assertContains(response, "There is already an edition for 2034.")
        self.assertEqual(EditionPage.objects.filter(year=2034).count(), 1)
