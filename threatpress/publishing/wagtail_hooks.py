from django.http import Http404
from wagtail import hooks

from .visibility import has_unpublished_ancestor


@hooks.register("before_serve_page")
def refuse_pages_under_unpublished_parents(page, request, serve_args, serve_kwargs):
    """A live page under a draft edition or chapter is not public: answer 404, as for a draft."""
    if has_unpublished_ancestor(page):
        raise Http404
