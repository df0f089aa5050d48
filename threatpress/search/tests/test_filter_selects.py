"""The filters' <select>s are written by FilterForm.selects (faster than Django's widget
templates): a reader and a screen reader must get what Django's Select widget would give."""

from __future__ import annotations

import re

from django.http import QueryDict

from threatpress.search.forms import FilterForm
from threatpress.search.service import Choices


def _choices() -> Choices:
    choices = Choices(hidden=[])
    choices.years = {2026: ["0001"], 2025: ["0002"]}
    choices.chapters = {"crisis-regions": "Crisis regions"}
    choices.regions = {"belarus": "Belarus & <Union State>"}
    choices.probabilities = {"likely": "Likely (55–80%)"}
    return choices


def _without_layout(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_each_select_is_what_djangos_widget_renders():
    for query in ("", "year=2025&region=belarus&sort=newest", "year=1999&chapter=<script>"):
        form = FilterForm(QueryDict(query), _choices())
        ours = form.selects()
        assert [(id_, str(label)) for id_, label, _html in ours] == [
            (bound.id_for_label, str(bound.label)) for bound in form
        ]
        for bound, (_id, _label, html) in zip(form, ours, strict=True):
            assert html == _without_layout(str(bound)), query


def test_the_chosen_value_is_selected_and_names_are_escaped():
    form = FilterForm(QueryDict("year=2025&region=belarus"), _choices())
    html = {id_: select for id_, _label, select in form.selects()}
    assert '<option value="2025" selected>2025</option>' in html["search-year"]
    assert '<option value="" selected>All chapters</option>' in html["search-chapter"]
    assert "Belarus &amp; &lt;Union State&gt;" in html["search-region"]
