"""Editorial checks over the index: content that validates but does not hold together.

Each check reports through `problems` like every other stage, as an error or a warning.
"""

from __future__ import annotations

from generator.index import Index
from generator.problems import Problems


def check(index: Index, problems: Problems) -> None:
    """Run every editorial check (see CHECKS)."""
    for fn in CHECKS:
        fn(index, problems)


CHECKS: list = []
