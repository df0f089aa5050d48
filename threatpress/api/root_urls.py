"""The API's URL patterns alone, for `views.keep_not_found` (not the site's URL conf)."""

from django.urls import include, path

from . import urls as api_urls

urlpatterns = [
    path("api/v2/", include((api_urls.urlpatterns, "wagtailapi"), namespace="wagtailapi")),
]
