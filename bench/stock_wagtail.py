"""A minimal stock Wagtail project, written into a temporary directory, for baselines.

It is what a team picks today when it starts from Wagtail alone: one page type with a title, a
summary and a rich-text body, a plain template, the middleware `wagtail start` installs, DEBUG off,
SQLite. Two settings modules: `stock.settings` (uncached) and `stock.settings_cached` (Django's
per-site cache middleware around everything, local-memory cache). Nothing here is copied from a
generated project; it is the smallest set of files that serves one page.
"""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

PAGE_SLUG = "assessment"
SETUP_TIMEOUT = 180

SETTINGS = """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = {secret!r}
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "stock",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]
ROOT_URLCONF = "stock.urls"
TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {{
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        }},
    }}
]
DATABASES = {{
    "default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en"
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_ROOT = BASE_DIR / "media"
WAGTAIL_SITE_NAME = "Stock"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
"""

# The per-site cache: UpdateCacheMiddleware first, FetchFromCacheMiddleware last (Django's docs).
SETTINGS_CACHED = """
from stock.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    *MIDDLEWARE,  # noqa: F405
    "django.middleware.cache.FetchFromCacheMiddleware",
]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHE_MIDDLEWARE_SECONDS = 600
"""

MODELS = """
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class ArticlePage(Page):
    summary = models.TextField(blank=True)
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
"""

URLS = """
from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("", include(wagtail_urls))]
"""

TEMPLATE = """{% load wagtailcore_tags %}<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body>
<main>
<h1>{{ page.title }}</h1>
<p class="summary">{{ page.summary }}</p>
<div class="body">{{ page.body|richtext }}</div>
</main>
</body>
</html>
"""

WSGI = """
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stock.settings")
application = get_wsgi_application()
"""

# Run inside the stock project: one page under the site's root, served at /assessment/.
CREATE_PAGE = """
import json, sys
import django
django.setup()
from wagtail.models import Page, Site
from stock.models import ArticlePage

content = json.load(open(sys.argv[1]))
root = Site.objects.get(is_default_site=True).root_page
page = ArticlePage(title=content["title"], slug={slug!r}, summary=content["summary"],
                   body=content["body"])
root.add_child(instance=page)
page.save_revision().publish()
"""


def rich_text_from_paragraphs(paragraphs: list[str]) -> str:
    """Wagtail's stored rich-text format for plain paragraphs."""
    return "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)


def write_project(base: Path, secret: str) -> None:
    package = base / "stock"
    templates = package / "templates" / "stock"
    templates.mkdir(parents=True)
    (package / "migrations").mkdir()
    files = {
        package / "__init__.py": "",
        package / "migrations" / "__init__.py": "",
        package / "settings.py": SETTINGS.format(secret=secret),
        package / "settings_cached.py": SETTINGS_CACHED,
        package / "models.py": MODELS,
        package / "urls.py": URLS,
        package / "wsgi.py": WSGI,
        templates / "article_page.html": TEMPLATE,
        base / "create_page.py": CREATE_PAGE.format(slug=PAGE_SLUG),
    }
    for path, text in files.items():
        path.write_text(text.lstrip("\n"))


def run(base: Path, env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"stock Wagtail: {' '.join(args)} failed ({result.returncode})")


def project_env(base: Path, env: dict[str, str], settings: str = "stock.settings") -> dict:
    clean = {k: v for k, v in env.items() if not k.startswith(("DJANGO_", "THREATPRESS_"))}
    return {**clean, "DJANGO_SETTINGS_MODULE": settings, "PYTHONPATH": str(base)}


def build(base: Path, env: dict[str, str], secret: str, content_json: Path) -> None:
    """Write the project, make its migration, migrate and publish the page."""
    write_project(base, secret)
    stock_env = project_env(base, env)
    run(base, stock_env, "-m", "django", "makemigrations", "stock", "-v0")
    run(base, stock_env, "-m", "django", "migrate", "--noinput", "-v0")
    run(base, stock_env, "create_page.py", str(content_json))
