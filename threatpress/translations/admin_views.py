"""Admin screens for translators: where each translation stands, what changed in its original
since it was translated, and the "mark as translated" step that lets it be published."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.models import Locale, Page

from threatpress.core.admin_screens import AdminScreen

from .models import TranslationState
from .state import OUTDATED, TRANSLATED, UNTRANSLATED, mark_translated, status_of, statuses

STATE_LABELS = {
    UNTRANSLATED: gettext_lazy("Not translated"),
    OUTDATED: gettext_lazy("Original changed"),
    TRANSLATED: gettext_lazy("Translated"),
}


class TranslationView(AdminScreen, TemplateView):
    header_icon = "globe"
    template_name = "translations/admin/translation.html"

    def dispatch(self, request, *args, page_id: int, **kwargs):
        self.page = get_object_or_404(Page, pk=page_id).specific
        if not self.page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        self.status = status_of(self.page)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Translation of %(title)s") % {"title": self.page.get_admin_display_title()}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("threatpress_translations"), "label": _("Translations")},
            {"url": "", "label": self.page.get_admin_display_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=self.page,
            status=self.status,
            state_label=STATE_LABELS.get(self.status.state),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self.status.source is None:
            messages.error(
                request,
                _("This page is not a translation: it is written in its own language."),
            )
        else:
            mark_translated(self.page, request.user)
            messages.success(
                request,
                _(
                    "“%(title)s” is marked as translated from the current version of the "
                    "original. It can now be published."
                )
                % {"title": self.page.get_admin_display_title()},
            )
        return redirect("threatpress_translation", page_id=self.page.pk)


class TranslationsIndexView(AdminScreen, TemplateView):
    page_title = gettext_lazy("Translations")
    header_icon = "globe"
    template_name = "translations/admin/index.html"

    def get_context_data(self, **kwargs):
        records = TranslationState.objects.select_related("page", "page__locale")
        records = records.order_by("page__path")
        locale_code = self.request.GET.get("language", "")
        if locale_code:
            records = records.filter(page__locale__language_code=locale_code)
        pages = [record.page for record in records]
        editable = [
            page for page in pages if page.permissions_for_user(self.request.user).can_edit()
        ]
        rows = sorted(
            statuses(editable),
            key=lambda status: (status.state == TRANSLATED, status.page.path),
        )
        return super().get_context_data(
            rows=[(status, STATE_LABELS.get(status.state)) for status in rows],
            locales=Locale.objects.exclude(pk=Locale.get_default().pk),
            language=locale_code,
            **kwargs,
        )
