from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def admin_stylesheet() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


# After Wagtail's own features (order 0), so that this rule replaces its "link" rule.
@hooks.register("register_rich_text_features", order=100)
def safe_page_links(features) -> None:
    from threatpress.core import rich_text_links

    rich_text_links.register(features)
