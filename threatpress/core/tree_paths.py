"""Where a page sits in the tree, read from its path alone (no query).

Wagtail stores the tree as materialised paths: a page's path is its parent's path followed by
`Page.steplen` characters, so the path of every page above it is a prefix of its own.
"""

from __future__ import annotations

from wagtail.models import Page

STEP = Page.steplen


def ancestor_paths(path: str, *, from_depth: int = 2, inclusive: bool = False) -> list[str]:
    """The paths of the pages above the page at `path`, from the one at `from_depth` down (the
    default, 2, leaves out the tree root); the page's own path last when `inclusive`."""
    depth = len(path) // STEP
    last = depth if inclusive else depth - 1
    return [path[: STEP * level] for level in range(from_depth, last + 1)]


def parent_path(path: str, levels: int = 1) -> str:
    """The path of the page `levels` above the page at `path` (its parent, by default)."""
    return path[: -STEP * levels]
