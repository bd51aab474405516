"""The guard in tests/conftest.py that fails a test writing into the checkout, tried on a
checkout of its own in a temporary folder."""

from __future__ import annotations

import os

from tests.conftest import checkout_changes, checkout_snapshot


def test_the_checkout_guard_names_what_a_test_wrote(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "var").mkdir(parents=True)
    (checkout / "README.md").write_text("x")
    (checkout / ".venv").mkdir()
    before = checkout_snapshot(checkout)
    (checkout / "var" / "update-journal.jsonl").write_text("{}")
    (checkout / ".venv" / "ignored").write_text("")
    os.utime(checkout / "README.md", ns=(0, 0))
    assert checkout_changes(before, checkout_snapshot(checkout)) == [
        "created var/update-journal.jsonl", "changed README.md"
    ]
