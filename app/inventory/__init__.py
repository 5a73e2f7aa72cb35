"""The inventory of technology facilitation mechanisms and the clean-technology knowledge base.

Rules live in `mechanisms.py`, `technologies.py`, `suggestions.py` (suggested edits and their
moderation), `search.py` (full-text search with facets on SQLite and PostgreSQL) and
`transfer.py` / `transfer_csv.py` (export and import); `record_service.py` is the life both
kinds of record share (create, change, verify, restore) and `records.py` what else they share
(snapshots for the history, staleness). `graph.py` lays out the link graph (pure).
`kinds.py` describes each kind for the API and the pages, which are written once for both:
the JSON API in `record_api.py` (mounted by `routes.py`, beside mechanisms' links) and
`curation_routes.py`; the pages in `pages.py`, `record_forms.py` (mounted by `edit_pages.py`,
beside mechanisms' links) and `curation_pages.py`. See docs/inventory.md.
"""
