"""Daily totals, and nothing else: no row describes a visitor, a visit or a request.

Each row is one counter for one day (in the site's time zone): how often a public page was read,
a file downloaded or a query searched. The columns are the whole story; a test checks that none
of them could hold an address, a browser string, a cookie or an identifier.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW_PERMISSION = "readership.view_readership"


class PageViewDay(models.Model):
    """Successful reads of one public page (or one route of it, e.g. an edition's summary)."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    # The name of a routable page's route ("summary", "foreword"); empty for the page itself.
    route = models.CharField(_("route"), max_length=50, blank=True, default="")
    date = models.DateField(_("date"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page views on a day")
        verbose_name_plural = _("page views per day")
        default_permissions = ()
        permissions = [("view_readership", _("Can see readership statistics"))]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "route", "date"], name="readership_pageview_per_day"
            )
        ]
        indexes = [models.Index(fields=["date"], name="readership_pageview_date")]

    def __str__(self) -> str:
        return f"{self.page_id}/{self.route} {self.date}: {self.views}"


class DownloadDay(models.Model):
    """Downloads of one page's PDF or audio file, per format and language."""

    PDF, AUDIO = "pdf", "audio"
    KINDS = [(PDF, _("PDF")), (AUDIO, _("Audio"))]

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    # e.g. "screen" or "print" for a PDF, "mp3" or "opus" for audio.
    format = models.CharField(_("format"), max_length=20)
    language = models.CharField(_("language"), max_length=10)
    date = models.DateField(_("date"))
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("downloads on a day")
        verbose_name_plural = _("downloads per day")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["page", "kind", "format", "language", "date"],
                name="readership_download_per_day",
            )
        ]
        indexes = [models.Index(fields=["date"], name="readership_download_date")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.kind}/{self.format}/{self.language} {self.date}"


class SearchTermDay(models.Model):
    """How often a normalised query was searched in one language, and how often it found nothing.

    An empty `query` stands for the queries that were withheld because they looked like personal
    data (an e-mail address, a phone or personal code, a web address, a token)."""

    WITHHELD = ""

    query = models.CharField(_("query"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10)
    date = models.DateField(_("date"))
    searches = models.PositiveIntegerField(_("searches"), default=0)
    zero_results = models.PositiveIntegerField(_("searches without a result"), default=0)

    class Meta:
        verbose_name = _("search term on a day")
        verbose_name_plural = _("search terms per day")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["query", "language", "date"], name="readership_search_per_day"
            )
        ]
        indexes = [models.Index(fields=["date"], name="readership_search_date")]

    def __str__(self) -> str:
        return f"{self.query!r} ({self.language}) {self.date}: {self.searches}"
