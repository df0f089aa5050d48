from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from threatpress.core import views as core_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # wagtail-footnotes' editor dialog; its script asks for this exact URL. Editors only.
    path(
        "footnotes/footnotes_modal/",
        require_admin_access(
            TemplateView.as_view(template_name="wagtail_footnotes/admin/footnotes_modal.html")
        ),
        name="footnotes-modal",
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("", core_views.choose_language, name="choose_language"),
]

if settings.THREATPRESS_SERVE_MEDIA:
    # One machine, no object storage: the app serves uploaded images itself (renditions are
    # small). Documents only ever go through Wagtail's view at /documents/.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", core_views.media, name="media")]

urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=True)

handler400 = "threatpress.core.views.bad_request"
handler403 = "threatpress.core.views.permission_denied"
handler404 = "threatpress.core.views.page_not_found"
handler500 = "threatpress.core.views.server_error"
