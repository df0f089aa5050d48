"""Keep each findable page's result text (models.ResultText) in step with its row.

The row of a live page is its published version: Wagtail writes a draft into a revision and
saves the row with only its bookkeeping fields (`update_fields`), so a save that writes none of
the fields the text is made of leaves the stored text alone, and a draft's words never reach a
snippet. Every other save (creation, publication, a copy, an import) writes it again, in the
same transaction as the row."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import post_save
from modelsearch import index
from wagtail.models import Page

from .models import ResultText
from .text import STEM_FIELDS, indexed_text, language_of, stems_of, words


def text_fields(page: Page) -> set[str]:
    """The fields of `page`'s own that its result text is made of."""
    return {
        field.field_name
        for field in page.get_search_fields()
        if isinstance(field, index.SearchField)
    } - {"title", *STEM_FIELDS}


def computed(page: Page) -> ResultText:
    """`page`'s result text from its row (specific), not saved."""
    text = indexed_text(page, title=False, related=False)
    stems = stems_of(words(text), language_of(page))
    return ResultText(page_id=page.pk, text=text, stems=" ".join(stems))


def stems_of_words(row: ResultText, found: list[str], language: str) -> list[str]:
    """The stem of each word of `found` (the words of `row.text`), from the stored stems. A stem
    may hold spaces (the folded compatibility form of a letter such as U+FDFA), so the stored
    list then has more entries than the text has words: those are stemmed again."""
    stems = row.stems.split(" ") if row.stems else []
    return stems if len(stems) == len(found) else stems_of(found, language)


def stored_or_computed(pages: Iterable[Page]) -> dict[int, ResultText]:
    """The result texts of `pages` (plain pages will do), stored ones read in one query; a page
    without one has it computed from its specific row."""
    pks = [page.pk for page in pages]
    found = {row.page_id: row for row in ResultText.objects.filter(page_id__in=pks)}
    lacking = [pk for pk in pks if pk not in found]
    if lacking:
        for page in Page.objects.filter(pk__in=lacking).specific():
            found[page.pk] = computed(page)
    return found


def save_result_text(sender, instance: Page, raw: bool = False, update_fields=None, **kwargs):
    if raw:  # a fixture load: the row may not be whole yet
        return
    if update_fields is not None and not text_fields(instance).intersection(update_fields):
        return
    row = computed(instance)
    ResultText.objects.update_or_create(
        page_id=instance.pk, defaults={"text": row.text, "stems": row.stems}
    )


def connect(page_types: Iterable[type[Page]]) -> None:
    for model in page_types:
        post_save.connect(
            save_result_text, sender=model, dispatch_uid=f"threatpress_result_text_{model.__name__}"
        )
