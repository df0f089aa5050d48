"""Posting a page's edit form the way the Wagtail admin's browser form does."""

from __future__ import annotations

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data


def publish_through_admin(client, page, fields: dict):
    """Press Publish on `page`'s edit form with its title and slug kept and `fields` changed."""
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            **fields,
        }
    )
    data["action-publish"] = "publish"
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
