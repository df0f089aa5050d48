"""The discovery tests' bilingual site: public, draft, embargoed, restricted and untranslated."""

from threatpress.discovery.tests.conftest import bilingual  # noqa: F401 (a fixture)
