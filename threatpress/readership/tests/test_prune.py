"""readership_prune: totals are kept until an operator asks for them to go."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from threatpress.readership import counting
from threatpress.readership.models import PageViewDay, SearchTermDay
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(edition):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    today = counting.today()
    for age in (0, 29, 30, 31, 400):
        day = today - datetime.timedelta(days=age)
        counting.buffer.add(counting.view_key(day, page.pk, ""))
        counting.buffer.add(counting.search_key(day, "belarus", "en", False))
    counting.flush()


def test_a_dry_run_deletes_nothing(recorded):
    out = StringIO()
    call_command("readership_prune", "--older-than", "30", "--dry-run", stdout=out)
    assert PageViewDay.objects.count() == 5
    assert "Would delete 2 daily views row(s)" in out.getvalue()


def test_totals_older_than_the_limit_are_deleted(recorded):
    call_command("readership_prune", "--older-than", "30", verbosity=0)
    ages = {(counting.today() - row.date).days for row in PageViewDay.objects.all()}
    assert ages == {0, 29, 30}
    assert SearchTermDay.objects.count() == 3


def test_only_limits_what_is_pruned(recorded):
    call_command("readership_prune", "--older-than", "30", "--only", "searches", verbosity=0)
    assert PageViewDay.objects.count() == 5
    assert SearchTermDay.objects.count() == 3


def test_zero_keeps_only_today_and_a_negative_age_is_refused(recorded):
    call_command("readership_prune", "--older-than", "0", verbosity=0)
    assert list(PageViewDay.objects.values_list("date", flat=True)) == [counting.today()]
    with pytest.raises(CommandError):
        call_command("readership_prune", "--older-than", "-1", verbosity=0)
