"""Figures a test wants shown at the end of every run (not only with -s)."""

import pytest

# Text filed by a test, printed by tests/conftest.py's pytest_terminal_summary.
SUMMARY_SECTIONS = pytest.StashKey[dict]()


def file_summary(config, title: str, text: str) -> None:
    config.stash.setdefault(SUMMARY_SECTIONS, {})[title] = text
