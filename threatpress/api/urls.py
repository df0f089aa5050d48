"""`/api/v2/`: the public read-only API (views.py, docs/api.md). Typed endpoints are registered
before `pages`, so that an edition's `detail_url` names the editions endpoint."""

from django.urls import re_path
from wagtail.api.v2.router import WagtailAPIRouter

from .views import (
    AssessmentsAPIViewSet,
    EditionsAPIViewSet,
    PagesAPIViewSet,
    RegionsAPIViewSet,
    not_found,
)

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("editions", EditionsAPIViewSet)
api_router.register_endpoint("assessments", AssessmentsAPIViewSet)
api_router.register_endpoint("regions", RegionsAPIViewSet)
api_router.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [*api_router.get_urlpatterns(), re_path(r"^(?P<path>.*)$", not_found)]
