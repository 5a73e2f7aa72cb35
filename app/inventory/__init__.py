"""The inventory of technology facilitation mechanisms and the clean-technology knowledge base.

Rules live in `mechanisms.py`, `technologies.py`, `suggestions.py` (suggested edits and their
moderation), `search.py` (full-text search with facets on SQLite and PostgreSQL) and
`transfer.py` / `transfer_csv.py` (export and import); `records.py` holds what they share
(snapshots for the history, staleness). `graph.py` lays out the link graph (pure). The JSON API is
in `routes.py`, `technology_routes.py` and `curation_routes.py`; the pages in `pages.py`,
`edit_pages.py`, `technology_pages.py` and `curation_pages.py`. See docs/inventory.md.
"""
