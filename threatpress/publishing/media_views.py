"""Uploaded files, served only when the one visibility rule allows it.

The app serves uploads itself, from MEDIA_ROOT on one machine or from a private bucket when
object storage is configured (core/object_storage.py); either way no file is reachable but here.
File names are predictable (an image's original is stored under its upload name), so serving the
files as-is would leak a chart from an embargoed edition to anyone who guesses its name. Each
request is therefore mapped back to the image, rendition or document it belongs to, and answered
with 404 unless that object is public or the visitor is an editor (who needs the files to preview
drafts).
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date
from django.views.static import serve, was_modified_since
from wagtail.documents import get_document_model
from wagtail.documents.views.serve import serve as wagtail_serve_document
from wagtail.images import get_image_model

from threatpress.caching import fragments
from threatpress.core.stored_files import StorageUnavailable, storage_unavailable, stored_object

# Files are checked on every request (no-cache), so unpublishing takes effect at once, while
# Last-Modified still lets browsers and caches revalidate with a cheap 304. (Each process
# remembers a file's answer until the next purge: caching/fragments.py, is_public_file.)
DOCUMENTS_FOLDER = "documents/"
PUBLIC_CACHE_CONTROL = "public, no-cache"
EDITOR_CACHE_CONTROL = "private, no-store"


def is_editor(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def owner_of(name: str):
    """The image or document a stored file belongs to, or None.

    The path is normalised first, as serve() does, so that `images/../x` cannot pose as another
    folder's file."""
    name = posixpath.normpath(name).lstrip("/")
    Image = get_image_model()
    if name.startswith("original_images/"):
        return Image.objects.filter(file=name).first()
    if name.startswith("images/"):
        renditions = Image.get_rendition_model().objects.select_related("image")
        rendition = renditions.filter(file=name).first()
        return rendition.image if rendition else None
    if name.startswith("documents/"):
        return get_document_model().objects.filter(file=name).first()
    return None


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """Images and renditions. Never documents: Wagtail's view serves those (checking the same
    rule, collection privacy, and sending them as attachments under "default-src 'none'")."""
    if posixpath.normpath(path).lstrip("/").startswith(DOCUMENTS_FOLDER):
        raise Http404
    editor = is_editor(request)
    if not editor and not fragments.is_public_file(owner_of(path)):
        raise Http404
    response = serve_stored(request, path)
    response["Cache-Control"] = EDITOR_CACHE_CONTROL if editor else PUBLIC_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_stored(request: HttpRequest, path: str) -> HttpResponse:
    """A file of the default storage, with Last-Modified and 304 on revalidation. Callers have
    checked that the reader may have it."""
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        return serve(request, path, document_root=storage.location)
    name = posixpath.normpath(path).lstrip("/")
    try:
        stored = stored_object(storage, name)
    except StorageUnavailable:
        return storage_unavailable()
    if stored is None:
        raise Http404
    modified = stored.modified.timestamp()
    if not was_modified_since(request.headers.get("If-Modified-Since"), modified):
        response = HttpResponse(status=304)
    else:
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = StreamingHttpResponse(stored.read(), content_type=media_type)
        response["Content-Length"] = str(stored.size)
    response["Last-Modified"] = http_date(modified)
    return response


def serve_document(request: HttpRequest, document_id: str, document_filename: str) -> HttpResponse:
    """Wagtail's document view (its hooks check visibility), with a bucket that does not answer
    turned into a 503 with Retry-After, as an image's or an export's is, not a server error."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return wagtail_serve_document(request, document_id, document_filename)
    except (StorageUnavailable, BotoCoreError):
        return storage_unavailable()
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
        if status >= 500:
            return storage_unavailable()
        raise
