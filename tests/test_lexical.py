"""The lexical index: what it logs."""

import logging

from index.lexical import LexicalIndex


def test_building_the_lexical_index_says_nothing_to_an_application_logging_at_debug(caplog):
    """bm25s logs every index it builds at DEBUG on a logger it sets to DEBUG itself."""
    caplog.set_level(logging.DEBUG)
    index = LexicalIndex(["Musk invited Putin to Clubhouse.", "The Kremlin answered."])
    assert index.knows("kremlin")
    assert not [r for r in caplog.records if r.name.startswith("bm25s")]
