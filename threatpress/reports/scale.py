"""Default probability scale and time horizons of an edition (editors may change both)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ProbabilityDefault:
    key: str
    label: str
    lower: int
    upper: int
    description: str = ""


@dataclass(frozen=True)
class HorizonDefault:
    key: str
    label: str
    span: str
    description: str = ""


DEFAULT_PROBABILITY_TERMS = [
    ProbabilityDefault(
        "unlikely", _("Unlikely"), 0, 25, _("We do not expect it, but it cannot be ruled out.")
    ),
    ProbabilityDefault(
        "possible", _("Possible"), 25, 50, _("A real prospect, though less likely than not.")
    ),
    ProbabilityDefault("likely", _("Likely"), 50, 75, _("More likely than not.")),
    ProbabilityDefault(
        "highly-likely",
        _("Highly likely"),
        75,
        100,
        _("We would be surprised if it did not happen."),
    ),
]

DEFAULT_TIME_HORIZONS = [
    HorizonDefault("short", _("Short term"), _("0–6 months"), _("Within the next half year.")),
    HorizonDefault("near", _("Near term"), _("6 months–2 years"), _("Over the next two years.")),
    HorizonDefault("mid", _("Mid term"), _("3–5 years"), _("Within this planning cycle.")),
    HorizonDefault("long", _("Long term"), _("6–10 years"), _("Within a decade.")),
]


def band_label(lower: int, upper: int) -> str:
    """How a probability band reads in the active language: '<25%', '25–50%', '>75%' (in
    Lithuanian the percent sign stands apart: '25–50 %')."""
    if lower <= 0:
        return gettext("<%(upper)d%%") % {"upper": upper}
    if upper >= 100:
        return gettext(">%(lower)d%%") % {"lower": lower}
    return gettext("%(lower)d–%(upper)d%%") % {"lower": lower, "upper": upper}
