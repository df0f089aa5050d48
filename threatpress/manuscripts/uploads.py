"""An uploaded manuscript waiting between the admin's steps (report, confirmation, save).

Kept in a private folder, never under MEDIA_ROOT (nothing there must be servable), named by a
random token, readable only by the user who uploaded it, removed after the save or after an hour.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

LIFETIME = 3600  # seconds an upload waits for its confirmation
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


class UploadMissing(Exception):
    """No such upload for this user (wrong token, another user's, already saved)."""


class UploadExpired(UploadMissing):
    """It existed, but waited longer than LIFETIME."""


@dataclass(frozen=True)
class Upload:
    token: str
    data: bytes
    year: int
    language: str
    name: str


def folder() -> Path:
    configured = getattr(settings, "THREATPRESS_MANUSCRIPT_UPLOAD_DIR", "")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "tp-manuscripts"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def sweep(now: float | None = None) -> None:
    """Remove every upload older than LIFETIME (run at each new upload)."""
    now = time.time() if now is None else now
    for path in folder().iterdir():
        if path.stat().st_mtime < now - LIFETIME:
            path.unlink(missing_ok=True)


def store(data: bytes, *, user_id: int, year: int, language: str, name: str) -> str:
    sweep()
    token = secrets.token_urlsafe(24)  # 32 characters
    meta = {"user": user_id, "year": year, "language": language, "name": name}
    base = folder() / token
    base.with_suffix(".docx").write_bytes(data)
    base.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    for path in (base.with_suffix(".docx"), base.with_suffix(".json")):
        path.chmod(0o600)
    return token


def load(token: str, user_id: int) -> Upload:
    if not TOKEN.fullmatch(token or ""):
        raise UploadMissing(token)
    base = folder() / token
    try:
        meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        stat = base.with_suffix(".docx").stat()
    except (OSError, ValueError) as error:
        raise UploadMissing(token) from error
    if meta.get("user") != user_id:
        raise UploadMissing(token)
    if stat.st_mtime < time.time() - LIFETIME:
        discard(token)
        raise UploadExpired(token)
    data = base.with_suffix(".docx").read_bytes()
    return Upload(token, data, int(meta["year"]), meta["language"], meta["name"])


def discard(token: str) -> None:
    if TOKEN.fullmatch(token or ""):
        for suffix in (".docx", ".json"):
            (folder() / token).with_suffix(suffix).unlink(missing_ok=True)
