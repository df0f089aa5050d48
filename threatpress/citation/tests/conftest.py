"""The discovery tests' bilingual site: public, draft, embargoed, restricted and untranslated."""

from threatpress.discovery.tests.conftest import (  # noqa: F401 (fixtures)
    _bilingual_once,
    bilingual,
)
