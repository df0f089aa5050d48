"""Country and region pages, inside the language prefix (threatpress/urls.py).

The first part of the address is in the reader's language (`/en/regions/`, `/lt/regionai/`):
Django's `translate_url` maps one to the other, which the language switcher of the index uses.
"""

from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "regions"
urlpatterns = [
    path(pgettext_lazy("URL path", "regions/"), views.index, name="index"),
    path(pgettext_lazy("URL path", "regions/<slug:slug>/"), views.detail, name="detail"),
]
