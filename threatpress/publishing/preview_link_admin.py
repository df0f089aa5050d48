"""Admin screens for preview links: create one for a page, list them, read a link's log, revoke."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.models import Page

from threatpress.core.admin_screens import AdminScreen

from .models import PreviewLink

DEFAULT_LIFETIME = datetime.timedelta(days=7)
MAX_LIFETIME = datetime.timedelta(days=90)


def may_manage(user, page: Page) -> bool:
    """Only those who may publish a page may show it to someone outside the CMS."""
    return page.permissions_for_user(user).can_publish()


class PreviewLinkForm(forms.Form):
    recipient = forms.CharField(
        label=gettext_lazy("Recipient"),
        max_length=200,
        help_text=gettext_lazy("Who the link is for, e.g. “Office of the Minister of Defence”."),
    )
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Expires at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        self.fields["expires_at"].help_text = _("In %(zone)s; at most 90 days ahead.") % {
            "zone": zone
        }
        if not self.is_bound:
            self.initial["expires_at"] = timezone.localtime() + DEFAULT_LIFETIME

    def clean_expires_at(self):
        value = self.cleaned_data["expires_at"]
        now = timezone.now()
        if value <= now:
            raise forms.ValidationError(_("Choose a time in the future."))
        if value > now + MAX_LIFETIME:
            raise forms.ValidationError(_("A preview link may last at most 90 days."))
        return value


class PreviewLinksIndexView(AdminScreen, TemplateView):
    page_title = gettext_lazy("Preview links")
    header_icon = "link"
    template_name = "publishing/admin/preview_links_index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        links = [
            link
            for link in PreviewLink.objects.select_related("page", "created_by").prefetch_related(
                "uses"
            )
            if may_manage(user, link.page)
        ]
        return super().get_context_data(links=links, **kwargs)


class CreatePreviewLinkView(AdminScreen, FormView):
    header_icon = "link"
    form_class = PreviewLinkForm
    template_name = "publishing/admin/preview_link_create.html"

    def dispatch(self, request, *args, page_id: int, **kwargs):
        self.page = get_object_or_404(Page, pk=page_id).specific
        if not may_manage(request.user, self.page):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Preview link for %(title)s") % {"title": self.page.get_admin_display_title()}

    def parent_crumbs(self) -> list[tuple[str, str]]:
        return [(reverse("threatpress_preview_links"), _("Preview links"))]

    def get_context_data(self, **kwargs):
        existing = PreviewLink.objects.filter(page=self.page)
        return super().get_context_data(page=self.page, existing=existing, **kwargs)

    def form_valid(self, form):
        link, token = PreviewLink.create(
            self.page,
            form.cleaned_data["recipient"],
            form.cleaned_data["expires_at"],
            self.request.user,
        )
        url = self.request.build_absolute_uri(reverse("preview_link", args=[token, ""]))
        # Rendered, not redirected: the token exists only in this response.
        return self.render_to_response(
            self.get_context_data(form=PreviewLinkForm(), created=link, created_url=url)
        )


class PreviewLinkDetailView(AdminScreen, TemplateView):
    header_icon = "link"
    template_name = "publishing/admin/preview_link_detail.html"

    def dispatch(self, request, *args, link_id: int, **kwargs):
        self.link = get_object_or_404(PreviewLink.objects.select_related("page"), pk=link_id)
        if not may_manage(request.user, self.link.page):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Preview link for %(recipient)s") % {"recipient": self.link.recipient}

    def parent_crumbs(self) -> list[tuple[str, str]]:
        return [(reverse("threatpress_preview_links"), _("Preview links"))]

    def get_context_data(self, **kwargs):
        return super().get_context_data(link=self.link, uses=self.link.uses.all()[:500], **kwargs)

    def post(self, request, *args, **kwargs):
        self.link.revoke(request.user)
        messages.success(
            request,
            _("The link for %(recipient)s is revoked; it no longer opens anything.")
            % {"recipient": self.link.recipient},
        )
        return redirect(reverse("threatpress_preview_link", args=[self.link.pk]))
