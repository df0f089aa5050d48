"""The sentences a publisher reads about a document, one per problem code.

Blocking problems stop the import; the others say what the import did with something the site
cannot show. The heading a problem is under travels beside the sentence (`Problem.heading`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .manuscript import Problem

BLOCKING = {
    "no-headings",
    "missing-summary",
    "missing-alt-text",
    "skipped-heading-level",
    "tracked-changes",
    "comments",
    "unreadable",
}


def _messages() -> dict[str, str]:
    # Built per call: gettext answers in the language active when the document is read.
    return {
        "no-headings": _(
            "The document has no headings: mark each chapter with Heading 1 and each assessment "
            "with Heading 2."
        ),
        "missing-summary": _(
            "This assessment has no summary: put its summary paragraph right under the heading "
            "(or give a paragraph the Summary style)."
        ),
        "missing-alt-text": _(
            "A picture has no alternative text: add it in Word (right-click the picture, "
            "“Edit Alt Text”)."
        ),
        "skipped-heading-level": _(
            "A Heading %(level)s follows a Heading %(previous)s: a heading level is skipped."
        ),
        "heading-before-chapter": _(
            "A Heading %(level)s comes before any Heading 1: every assessment must be inside a "
            "chapter."
        ),
        "tracked-changes": _(
            "The document has tracked changes: accept or reject every change in Word, then "
            "upload it again."
        ),
        "comments": _(
            "The document has comments: resolve and delete them in Word, then upload it again."
        ),
        "unreadable": _(
            "The document cannot be read (it may be damaged): open it in Word, save it again and "
            "upload the new file."
        ),
        "underline": _("Underlined text: kept the text, dropped the underline."),
        "strikethrough": _("Struck-through text: kept the text, dropped the line through it."),
        "colour": _("Coloured text: kept the text, dropped the colour."),
        "highlight": _("Highlighted text: kept the text, dropped the highlight."),
        "text-box": _("A text box: kept its text as paragraphs, dropped the box."),
        "deep-heading": _(
            "A Heading %(level)s: kept it as a sub-heading (the site has one heading level under "
            "an assessment)."
        ),
        "nested-list": _(
            "A list inside a list: kept its items in the list around it, dropped the indent "
            "(the site shows one list level)."
        ),
        "equation": _("An equation: kept its characters as plain text, dropped its layout."),
        "embedded-object": _(
            "An embedded object, chart or drawing: dropped it; insert it as a picture with "
            "alternative text instead."
        ),
        "page-layout": _("A section break (page layout): ignored it; the site has no pages."),
        "link-dropped": _(
            "A link to “%(detail)s” is not a web or e-mail address: kept the text, dropped the "
            "link."
        ),
        "linked-image": _(
            "A picture linked to a file outside the document: dropped it; insert the picture "
            "into the document."
        ),
        "broken-image": _("A picture whose image is missing from the file: dropped it."),
        "endnote": _("An endnote: dropped it; use footnotes for sources."),
        "outside-page": _("Text before the first heading: not imported (it belongs to no page)."),
        "table-in-rich-text": _(
            "A table in a chapter introduction or the foreword: dropped it (only text and lists "
            "are kept there)."
        ),
        "picture-in-rich-text": _(
            "A picture in a chapter introduction or the foreword: dropped it (only text and "
            "lists are kept there)."
        ),
        "footnote-dropped": _(
            "A footnote outside an assessment's body text: kept the text, dropped the footnote."
        ),
        "image-in-table": _("A picture in a table: kept the table's text, dropped the picture."),
    }


# Sentences that are variants of one problem: the code stays what tests and reports group by.
CODE_OF = {
    "heading-before-chapter": "skipped-heading-level",
    "table-in-rich-text": "not-in-rich-text",
    "picture-in-rich-text": "not-in-rich-text",
}


def problem(sentence: str, heading: str = "", **details: object) -> Problem:
    """The problem `sentence` names (a code, or a variant's key in CODE_OF)."""
    message = _messages()[sentence]
    if details:
        message = message % details
    code = CODE_OF.get(sentence, sentence)
    return Problem(code=code, message=message, heading=heading, blocking=code in BLOCKING)
