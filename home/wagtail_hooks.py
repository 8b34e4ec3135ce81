from wagtail import hooks

from .pagecache import mark_shareable


@hooks.register("on_serve_page", order=100)
def share_public_pages(serve):
    """Mark live pages served past Wagtail's view-restriction check (order 0, outside this one)
    as candidates for the anonymous page cache; the middleware decides the rest."""

    def inner(page, request, serve_args, serve_kwargs):
        response = serve(page, request, serve_args, serve_kwargs)
        if page.live and not getattr(request, "is_preview", False):
            mark_shareable(response)
        return response

    return inner
