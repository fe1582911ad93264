"""Stand-in v2.1 ``utils`` package (requests-based), for txo's record/replay tests only."""

STANDIN = "legacy stand-in"
