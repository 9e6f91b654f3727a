"""The languages the app is translated into (the PWA has one catalogue for each)."""

LANGUAGES = ("en", "sw")
