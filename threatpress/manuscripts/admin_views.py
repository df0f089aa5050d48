"""Admin › Import manuscript: upload → report → confirm the proposals → save → result.

Publishers only (they answer for what goes into an edition). Nothing is published: the result
lists the drafts and revisions made, for review.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.models import Locale
from wagtail.permission_policies.pages import PagePermissionPolicy

from threatpress.core.admin_screens import AdminScreen

from . import intake, uploads
from .forms import ConfirmForm, UploadForm
from .saving import CREATED, UNCHANGED, UPDATED, ImportRefused, save_manuscript


def may_import(user) -> bool:
    return PagePermissionPolicy().user_has_permission(user, "publish")


class PublishersOnly:
    def dispatch(self, request, *args, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UploadView(PublishersOnly, AdminScreen, FormView):
    page_title = gettext_lazy("Import manuscript")
    header_icon = "upload"
    template_name = "manuscripts/admin/upload.html"
    form_class = UploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        locale = Locale.objects.get(language_code=form.cleaned_data["language"])
        year = form.cleaned_data["year"]
        data = upload.read()
        manuscript = intake.read(data, year=year, locale=locale)
        if manuscript.blocking_problems:
            # Nothing is kept of a refused document: the publisher fixes it and uploads again.
            return self.render_to_response(
                self.get_context_data(
                    form=form, problems=intake.by_heading(manuscript.problems), refused=True
                ),
                status=422,
            )
        token = uploads.store(
            data, user_id=self.request.user.pk, year=year, language=locale.language_code,
            name=upload.name,
        )  # fmt: skip
        return redirect("threatpress_manuscript_confirm", token=token)


class ConfirmView(PublishersOnly, AdminScreen, FormView):
    header_icon = "upload"
    template_name = "manuscripts/admin/confirm.html"

    def dispatch(self, request, *args, token: str, **kwargs):
        if not may_import(request.user):
            raise PermissionDenied
        try:
            self.upload = uploads.load(token, request.user.pk)
        except uploads.UploadExpired:
            return TemplateResponse(
                request,
                "manuscripts/admin/expired.html",
                {"upload_url": _upload_url(), "page_title": _("Import manuscript")},
                status=410,
            )
        except uploads.UploadMissing as missing:
            raise Http404 from missing
        self.locale = Locale.objects.get(language_code=self.upload.language)
        self.manuscript = intake.read(self.upload.data, year=self.upload.year, locale=self.locale)
        if self.manuscript.blocking_problems:  # the reader changed since the upload: start over
            uploads.discard(token)
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Import %(name)s") % {"name": self.upload.name}

    def parent_crumbs(self) -> list[tuple[str, str]]:
        return [(_upload_url(), _("Import manuscript"))]

    def get_form(self, form_class=None):
        return ConfirmForm(
            **self.get_form_kwargs(),
            manuscript=self.manuscript,
            scale=intake.scale_for(self.upload.year, self.locale),
            regions=intake.regions_of(self.locale),
            proposals=intake.proposals(self.manuscript, year=self.upload.year, locale=self.locale),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            upload=self.upload,
            locale=self.locale,
            problems=intake.by_heading(self.manuscript.problems),
            **kwargs,
        )

    def form_valid(self, form) -> HttpResponse:
        try:
            result = save_manuscript(
                self.manuscript,
                year=self.upload.year,
                locale=self.locale,
                user=self.request.user,
                confirmed=form.confirmations(),
            )
        except ImportRefused as refused:
            form.add_error(None, _("Nothing was saved."))
            return self.render_to_response(
                self.get_context_data(form=form, refused=intake.by_heading(refused.problems)),
                status=422,
            )
        uploads.discard(self.upload.token)
        return TemplateResponse(
            self.request,
            "manuscripts/admin/result.html",
            {
                "page_title": _("Imported %(name)s") % {"name": self.upload.name},
                "header_icon": "upload",
                "result": result,
                **{action: result.count(action) for action in (CREATED, UPDATED, UNCHANGED)},
                "problems": intake.by_heading(result.problems),
            },
        )


def _upload_url() -> str:
    return reverse("threatpress_manuscript_upload")
