"""Production settings are secure by default and fail fast when a secret is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "THREATPRESS_", "DATABASE_URL"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_setting(tmp_path, missing):
    env = {
        "DJANGO_SETTINGS_MODULE": "threatpress.settings.production",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "assessment.example",
        "THREATPRESS_VAR_DIR": str(tmp_path),
    }
    del env[missing]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize("two_factor", ["false", "true"])
def test_deploy_check_is_clean_with_production_settings(tmp_path, two_factor):
    # Django's deployment checks plus django-csp's, at warning level, with HTTPS on (the default
    # and what a real deployment sets) and with two-factor authentication off and on.
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="threatpress.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x7Qp2" * 10,
        DJANGO_ALLOWED_HOSTS="assessment.example",
        THREATPRESS_HTTPS="true",
        THREATPRESS_2FA=two_factor,
        THREATPRESS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_with_https_sends_hsts_and_secure_cookies(tmp_path):
    result = run_manage(
        "shell",
        "-v0",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.THREATPRESS_2FA)",
        DJANGO_SETTINGS_MODULE="threatpress.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x7Qp2" * 10,
        DJANGO_ALLOWED_HOSTS="assessment.example",
        THREATPRESS_HTTPS="true",
        THREATPRESS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "False"]


def test_an_unreadable_two_factor_switch_stops_start_up(tmp_path):
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="threatpress.settings.production",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="assessment.example",
        THREATPRESS_2FA="sometimes",
        THREATPRESS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "THREATPRESS_2FA must be true or false" in result.stderr


def test_base_settings_are_not_debug_and_have_no_key():
    from threatpress.settings import base

    assert base.DEBUG is False
    assert not hasattr(base, "SECRET_KEY")


def test_upload_limits_follow_the_environment():
    script = (
        "from django.conf import settings as s; print(s.WAGTAILIMAGES_MAX_UPLOAD_SIZE, "
        "s.WAGTAILIMAGES_MAX_IMAGE_PIXELS, s.WAGTAILDOCS_MAX_UPLOAD_SIZE)"
    )
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        script,
        DJANGO_SETTINGS_MODULE="threatpress.settings.test",
        THREATPRESS_IMAGE_MAX_MB="2",
        THREATPRESS_IMAGE_MAX_MEGAPIXELS="12",
        THREATPRESS_DOCUMENT_MAX_MB="100",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(2 * 1024 * 1024), "12000000", str(100 * 1024 * 1024)]


@pytest.mark.parametrize("value", ["ten", "0", "-5", "1.5"])
def test_an_upload_limit_that_is_not_a_positive_number_stops_start_up(value):
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="threatpress.settings.test", THREATPRESS_IMAGE_MAX_MB=value
    )
    assert result.returncode != 0
    assert "THREATPRESS_IMAGE_MAX_MB must be a whole number above zero" in result.stderr


def test_object_storage_is_configured_by_environment_and_stays_private(tmp_path):
    script = (
        "from django.core.files.storage import storages as s; m, e = s['default'], s['exports']; "
        "print(type(m).__name__, m.bucket_name, m.location, e.location, m.endpoint_url, "
        "m.region_name, m.addressing_style, m.default_acl, m.file_overwrite, "
        "m.url('original_images/chart.png'))"
    )
    production = {
        "DJANGO_SETTINGS_MODULE": "threatpress.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "THREATPRESS_VAR_DIR": str(tmp_path),
    }
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        script,
        **production,
        THREATPRESS_S3_BUCKET="threatpress",
        THREATPRESS_S3_ENDPOINT_URL="http://127.0.0.1:8333",
        THREATPRESS_S3_REGION="eu-central-1",
        THREATPRESS_S3_PREFIX="site-a",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "PrivateS3Storage",
        "threatpress",
        "site-a/media",
        "site-a/exports",
        "http://127.0.0.1:8333",
        "eu-central-1",
        "path",
        "None",  # no ACL: the bucket's private default
        "False",
        "/media/original_images/chart.png",  # the app's visibility-checked view
    ]
    # Without the bucket, files stay on the local disk.
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        script.split(";")[0] + "; print(type(s['default']).__name__)",
        **production,
    )
    assert result.stdout.split() == ["FileSystemStorage"]
    # The bucket is private, so the app must serve its images.
    result = run_manage(
        "check", **production, THREATPRESS_S3_BUCKET="threatpress", THREATPRESS_SERVE_MEDIA="false"
    )
    assert result.returncode != 0
    assert "THREATPRESS_SERVE_MEDIA=false with THREATPRESS_S3_BUCKET" in result.stderr
