"""Test helpers: the test environment, the database reset and the real process stack."""
