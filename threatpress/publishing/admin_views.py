"""Admin screens for release day: the list of editions and the "release at" form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView
from wagtail.models import Locale

from threatpress.core.admin_screens import AdminScreen
from threatpress.reports.models import EditionPage

from .release import ReleaseError, can_release, cancel_release, plan_release, schedule_release


class ReleaseForm(forms.Form):
    # The browser's own date-and-time control: keyboard-accessible, no script, seconds optional.
    go_live_at = forms.DateTimeField(
        label=gettext_lazy("Release at"),
        # The control reads and writes only this shape (a "T" between date and time).
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["go_live_at"].help_text = _(
            "Date and time in %(zone)s; seconds are optional. Every page of the edition, in "
            "every language, becomes public together at this instant."
        ) % {"zone": zone}

    def clean_go_live_at(self):
        value = self.cleaned_data["go_live_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


def releasable_editions(user):
    editions = EditionPage.objects.filter(locale=Locale.get_default()).order_by("-year")
    return [edition for edition in editions if can_release(user, edition)]


class ReleasesIndexView(AdminScreen, TemplateView):
    page_title = gettext_lazy("Releases")
    header_icon = "date"
    template_name = "publishing/admin/releases_index.html"

    def dispatch(self, request, *args, **kwargs):
        self.editions = releasable_editions(request.user)
        if not self.editions:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = [(edition, plan_release(edition)) for edition in self.editions]
        return super().get_context_data(rows=rows, **kwargs)


class ReleaseEditionView(AdminScreen, FormView):
    header_icon = "date"
    template_name = "publishing/admin/release_edition.html"
    form_class = ReleaseForm

    def dispatch(self, request, *args, page_id: int, **kwargs):
        self.edition = get_object_or_404(EditionPage, pk=page_id)
        if not can_release(request.user, self.edition):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Release %(title)s") % {"title": self.edition.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("threatpress_releases"), "label": _("Releases")},
            {"url": "", "label": self.edition.title},
        ]

    @cached_property
    def plan(self):
        return plan_release(self.edition)

    def get_initial(self):
        # Rescheduling starts from the time already set: a publisher moving it by an hour
        # should not have to type the date again.
        if self.plan.scheduled_for is None:
            return {}
        return {"go_live_at": timezone.localtime(self.plan.scheduled_for).replace(tzinfo=None)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            edition=self.edition,
            plan=self.plan,
            time_zone=timezone.get_current_timezone_name(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "cancel" in request.POST:
            try:
                count = cancel_release(self.edition, request.user)
            except ReleaseError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Release cancelled: %(count)d page unscheduled.",
                        "Release cancelled: %(count)d pages unscheduled.",
                        count,
                    )
                    % {"count": count},
                )
            return redirect(self._url())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        when = form.cleaned_data["go_live_at"]
        try:
            count = schedule_release(self.edition, when, self.request.user)
        except ReleaseError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        local = timezone.localtime(when)
        messages.success(
            self.request,
            ngettext(
                "%(title)s: %(count)d page scheduled for %(when)s (%(zone)s).",
                "%(title)s: %(count)d pages scheduled for %(when)s (%(zone)s).",
                count,
            )
            % {
                "title": self.edition.title,
                "count": count,
                "when": local.strftime("%Y-%m-%d %H:%M:%S"),
                "zone": timezone.get_current_timezone_name(),
            },
        )
        return redirect(self._url())

    def _url(self) -> str:
        return reverse("threatpress_release_edition", args=[self.edition.pk])
