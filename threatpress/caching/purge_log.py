"""The purge log: how a purge reaches every process's local cache without the database.

A purge appends the affected paths to a file in THREATPRESS_VAR_DIR (one path a line, `*` for
everything). Every process remembers how far it has read; before serving a hit it compares the
file's size and inode with that (one stat, about a microsecond) and, when they moved, drops the
entries of the new lines. The same (inode, size) pair is the invalidation generation: a response
rendered while a purge happened is not stored (the race in docs/caching.md).

Appends are single `write` calls under an exclusive lock, so a reader never sees half a purge.
When the file passes MAX_BYTES it is replaced by an empty one: every process sees a new inode
and clears its whole local cache, which is rare and always safe.

Beside it, the structure log (`purges.structure.log`) grows by a line at each purge that is not
of an assessment's own text alone; its (inode, size) is the generation of the remembered values
that only such purges change (fragments.STRUCTURAL_KINDS).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from .settings_memo import from_settings

MAX_BYTES = 1_000_000
EVERYTHING = "*"
Generation = tuple[int, int]


@from_settings
def log_path() -> Path:
    """The log's path; asked on every hit, so built once per setting."""
    configured = getattr(settings, "THREATPRESS_CACHE_PURGE_LOG", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "cache" / "purges.log"


@from_settings
def structure_log_path() -> Path:
    return log_path().with_suffix(".structure" + log_path().suffix)


def generation(path: Path | None = None) -> Generation:
    """(inode, size) of the log; (0, 0) before the first purge."""
    try:
        stat = os.stat(path or log_path())
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_ino, stat.st_size)


def structure_generation() -> Generation:
    """(inode, size) of the structure log; (0, 0) before the first structural purge."""
    return generation(structure_log_path())


def record_structural_purge() -> None:
    """Move the structure generation of every process on this machine."""
    append(["structure"], structure_log_path())


def last_purge(path: Path | None = None) -> float:
    """When the last purge was recorded (seconds since the epoch), 0 before the first."""
    try:
        return os.stat(path or log_path()).st_mtime
    except FileNotFoundError:
        return 0.0


def append(paths: Iterable[str], path: Path | None = None) -> None:
    """Record a purge of `paths` for every process on this machine."""
    lines = "".join(f"{item}\n" for item in sorted(set(paths)) if "\n" not in item)
    if not lines:
        return
    target = path or log_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        try:
            if log.tell() > MAX_BYTES:
                # A new file (new inode) rather than truncation: readers notice by the inode.
                fresh = target.with_suffix(".new")
                fresh.write_text(lines, encoding="utf-8")
                os.replace(fresh, target)
            else:
                log.write(lines)
                log.flush()
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)


class Reader:
    """One process's position in the log."""

    def __init__(self, path: Path | None = None):
        self._path = path
        self._lock = threading.Lock()
        self.position: Generation = generation(self.path)

    @property
    def path(self) -> Path:
        return self._path or log_path()

    def news(self) -> list[str] | None:
        """Paths purged since the last call: [] when nothing changed, None when everything must
        go (the log was replaced)."""
        current = generation(self.path)
        if current == self.position:
            return []
        with self._lock:
            inode, size = self.position
            if inode == 0:  # the first purge created the file: read it from its start
                inode, size = current[0], 0
            if current[0] != inode or current[1] < size:
                self.position = current
                return None
            try:
                with open(self.path, "rb") as log:
                    log.seek(size)
                    data = log.read()
            except FileNotFoundError:
                self.position = (0, 0)
                return None
            # Only whole lines; a line still being written is read next time.
            complete = data[: data.rfind(b"\n") + 1]
            self.position = (current[0], size + len(complete))
            lines = complete.decode("utf-8", "replace").splitlines()
        return None if EVERYTHING in lines else lines
