from wagtail import hooks

from .counting import count_page_view


# A high order makes this the innermost wrapper: it runs only once Wagtail's own checks (view
# restrictions are an on_serve_page wrapper too) and the before_serve_page hooks (a draft above
# the page) have let the request through. Previews never come through here.
@hooks.register("on_serve_page", order=100)
def count_page_views(next_serve_page):
    """Count a page once it is served."""

    def serve_and_count(page, request, args, kwargs):
        response = next_serve_page(page, request, args, kwargs)
        count_page_view(request, page, response)
        return response

    return serve_and_count
