"""The interface's languages: English (the source) and Chinese (Simplified).

Strings are marked in templates with `_()` / `{% trans %}` and in Python with `gettext` or
`N_`; their Chinese lives in gettext catalogs under `catalogs/zh_Hans/`, one per area of the
platform (`python -m app.i18n.extract` keeps them in step with the code). The API stays in
English: its error codes are the contract, and its messages are for developers.
"""
