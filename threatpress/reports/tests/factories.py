"""Factories for the report page tree. Pass `parent=` to place a page in the tree."""

from __future__ import annotations

import datetime

import factory
import wagtail_factories
from django.utils import timezone

from threatpress.regions.models import Region
from threatpress.reports.models import (
    AssessmentPage,
    ChapterPage,
    EditionPage,
    HomePage,
    ReportsIndexPage,
)


class HomePageFactory(wagtail_factories.PageFactory):
    title = "National Threat Assessment"
    slug = "home"
    intro = "What threatens the country, and how likely it is."

    class Meta:
        model = HomePage


class ReportsIndexPageFactory(wagtail_factories.PageFactory):
    title = "Reports"
    slug = "reports"

    class Meta:
        model = ReportsIndexPage


class EditionPageFactory(wagtail_factories.PageFactory):
    year = factory.Sequence(lambda n: 2000 + n)
    title = factory.LazyAttribute(lambda o: f"National Threat Assessment {o.year}")
    slug = factory.LazyAttribute(lambda o: str(o.year))
    published_at = factory.LazyAttribute(
        lambda o: timezone.make_aware(datetime.datetime(o.year, 3, 10, 10, 0))
    )
    cutoff_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 1, 15))
    foreword = "<p>This edition assesses the threats of the coming year.</p>"

    class Meta:
        model = EditionPage

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The scale must exist before the page is saved (its clean() validates it).
        parent = kwargs.pop("parent", None)
        instance = model_class(*args, **kwargs)
        instance.add_default_scale()
        if parent is not None:
            parent.add_child(instance=instance)
        else:
            instance.save()
        return instance


class ChapterPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Chapter {n}")
    slug = factory.Sequence(lambda n: f"chapter-{n}")
    introduction = "<p>What this chapter covers.</p>"

    class Meta:
        model = ChapterPage


class AssessmentPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Key judgment number {n} is stated in one sentence.")
    slug = factory.Sequence(lambda n: f"assessment-{n}")
    summary = "A summary of the judgment, shown in bold under it."
    body = factory.LazyFunction(
        lambda: [
            {"type": "paragraph", "value": "<p>The first paragraph of the body.</p>"},
            {"type": "heading", "value": "What follows"},
            {"type": "paragraph", "value": "<p>The second paragraph of the body.</p>"},
        ]
    )

    class Meta:
        model = AssessmentPage


class RegionFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    kind = Region.Kind.COUNTRY

    class Meta:
        model = Region
