"""Entry codes: what judges call an entry instead of anything that could lead to its entrant.

An HMAC-SHA256 of the challenge and submission ids under the application's secret key: stable
for the pair, not guessable without the key, and unrelated to the order entries were made in
(sequential ids would tell a judge who submitted first). Shown as "E-" and 6 hex digits; when
two entries of one challenge share their first 6, every code of that challenge gets two more,
until they differ (the set of entries is fixed once submissions close, so codes stay put while
judging goes on). Pure: the secret comes in as an argument.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

SHORT_LENGTH = 6
PATTERN = r"^E-[0-9A-F]{6,64}$"
_CODE = re.compile(PATTERN)


def digest(secret: str, challenge_id: int, submission_id: int) -> str:
    message = f"valleycross/judging/entry-code/v1:{challenge_id}:{submission_id}"
    return hmac.new(secret.encode("utf-8"), message.encode("ascii"),
                    hashlib.sha256).hexdigest().upper()


def codes_for(secret: str, challenge_id: int, submission_ids: Iterable[int]) -> dict[int, str]:
    """submission id -> entry code, for all the entries of one challenge at once."""
    digests = {sid: digest(secret, challenge_id, sid) for sid in submission_ids}
    length = SHORT_LENGTH
    while len({d[:length] for d in digests.values()}) < len(digests):
        length += 2
    return {sid: f"E-{d[:length]}" for sid, d in digests.items()}


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(text))
