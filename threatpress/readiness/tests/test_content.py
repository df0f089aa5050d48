"""What the board reads from a revision's JSON: links, documents, images, footnotes, figures."""

from __future__ import annotations

import json

from threatpress.readiness.content import references

NOTE = "6b5a8c3e-1d2f-4a5b-9c7d-0e1f2a3b4c5d"


def test_links_documents_footnotes_and_images_in_the_body_are_found():
    body = [
        {
            "type": "paragraph",
            "value": (
                '<p>See <a linktype="page" id="12">last year</a>, <a href="https://example.org">'
                'a site</a>, <a linktype="document" id="7">the annex</a> and a source'
                f'<footnote id="{NOTE}">[1]</footnote>.</p>'
                '<embed embedtype="image" id="3" alt="" format="left"/>'
                '<embed embedtype="image" id="4" alt="A map of the region" format="left"/>'
            ),
        },
        {"type": "figure", "value": {"image": 5, "alt_text": "Chart of attacks", "caption": ""}},
        {"type": "figure", "value": {"image": 6, "alt_text": "  ", "caption": "No words"}},
        {"type": "quote", "value": {"text": "Plain words", "attribution": ""}},
    ]
    found = references({"body": json.dumps(body), "footnotes": []})
    assert found.page_ids == {12}
    assert found.document_ids == {7}
    assert found.footnote_ids == {NOTE}
    assert found.footnotes == set()
    assert found.images_without_alt == 1
    assert found.figures_without_alt == [2]  # the second figure, as an editor counts them
    assert found.figure_images == {1: 5, 2: 6}
    assert found.image_ids == {3, 4}


def test_rich_text_fields_and_footnote_texts_are_read_too():
    found = references(
        {
            "foreword": '<p><a linktype="page" id="40">the scale</a></p>',
            "footnotes": [{"uuid": NOTE, "text": '<p><a linktype="document" id="9">Data</a></p>'}],
        }
    )
    assert found.page_ids == {40}
    assert found.document_ids == {9}
    assert found.footnotes == {NOTE}


def test_a_page_without_body_or_rich_text_refers_to_nothing():
    found = references({"title": "Chapter 1", "body": "", "introduction": ""})
    assert (found.page_ids, found.document_ids, found.footnote_ids) == (set(), set(), set())
    assert found.figures_without_alt == [] and found.images_without_alt == 0
