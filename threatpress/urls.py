from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path, re_path
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from threatpress.api import urls as api_urls
from threatpress.consent.views import consent_in_other_words, consent_view
from threatpress.core import views as core_views
from threatpress.discovery.feeds import feed
from threatpress.discovery.sitemap import sitemap
from threatpress.discovery.views import robots_txt
from threatpress.exports.views import serve_export
from threatpress.publishing.atomic_admin import ATOMIC_PAGE_VIEWS, make_page_views_atomic
from threatpress.publishing.media_views import serve_document, serve_media
from threatpress.publishing.preview_link_views import serve_preview_file, serve_preview_link
from threatpress.search.views import search_in_own_words, search_view

# The editor's publish and unpublish, each in one transaction (publishing/atomic_admin.py).
if make_page_views_atomic(wagtailadmin_urls.urlpatterns) != len(ATOMIC_PAGE_VIEWS):
    raise ImproperlyConfigured("Wagtail's add, edit and unpublish page views were not found.")

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document view, answering 503 when the bucket does not (publishing/media_views.py).
    re_path(r"^documents/(\d+)/(.*)$", serve_document, name="wagtaildocs_serve"),
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
    # The public read-only JSON API (threatpress/api, docs/api.md). Outside the language prefix:
    # one address per object, `?language=` filters.
    path("api/v2/", include((api_urls.urlpatterns, "wagtailapi"), namespace="wagtailapi")),
    # For crawlers: every public page in every language (discovery/, docs/discovery.md).
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # The site's address for printed links (core/views.py, docs/print.md).
    path("print.css", core_views.print_stylesheet, name="print_stylesheet"),
    # Preview links for readers outside the CMS (publishing/preview_link_views.py).
    re_path(
        r"^preview/(?P<token>[-\w]{20,64})/(?P<subpath>(?:[-\w]+/)*)$",
        serve_preview_link,
        name="preview_link",
    ),
    re_path(
        r"^preview-files/(?P<token>[-\w]{20,64})/(?P<path>.+)$",
        serve_preview_file,
        name="preview_link_file",
    ),
    path("", core_views.choose_language, name="choose_language"),
]

if settings.THREATPRESS_SERVE_MEDIA:
    # One machine, no object storage: the app serves uploaded images itself, each file only when
    # the image it belongs to is public (publishing/media_views.py). Documents only ever go
    # through Wagtail's view at /documents/, which checks the same rule.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media, name="media")]

urlpatterns += i18n_patterns(
    # Before Wagtail's pages, so no page can take this address (docs/consent.md).
    # In the reader's words (/lt/slapukai/); the English word elsewhere: below.
    path(pgettext_lazy("URL path", "consent/"), consent_view, name="consent"),
    path("consent/", consent_in_other_words),
    # The language's Atom feed of new editions and assessments (docs/discovery.md).
    path("feed/", feed, name="feed"),
    # The public search (docs/search.md) in the reader's words (/lt/paieska/); before Wagtail's
    # pages, like the consent page. The English word elsewhere redirects to the language's own.
    path(pgettext_lazy("URL path", "search/"), search_view, name="search"),
    path("search/", search_in_own_words),
    # A page's PDF or audio file, next to the page: /en/reports/2026/<name>-2026.pdf. Names end
    # in the year, so that no other address ending in .pdf resolves here (LocaleMiddleware would
    # otherwise redirect any unknown /x.pdf to /en/x.pdf).
    re_path(
        r"^(?P<page_path>(?:[-\w]+/)+)(?P<filename>[-\w]+-\d{4}(?:-print)?\.(?:pdf|mp3))$",
        serve_export,
        name="export",
    ),
    # Country and region pages (regions/views.py, docs/regions.md), before Wagtail's pages.
    path("", include("threatpress.regions.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler400 = "threatpress.core.views.bad_request"
handler403 = "threatpress.core.views.permission_denied"
handler404 = "threatpress.core.views.page_not_found"
handler500 = "threatpress.core.views.server_error"
