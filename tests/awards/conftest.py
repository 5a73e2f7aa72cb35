from __future__ import annotations

import pytest

from tests.challenges.factories import Clock, install_clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The challenge services' clock, frozen at 2030-03-01 12:00 UTC; tests move it."""
    return install_clock(monkeypatch)
