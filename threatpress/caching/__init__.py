"""Full-page caching for anonymous readers, validators and exact purges (docs/caching.md)."""
