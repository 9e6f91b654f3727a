"""Debian's Chromium as the browser tests and the PWA bench launch it (never a downloaded one)."""

CHROMIUM = "/usr/bin/chromium"
# Headless as root, with the background traffic this closed network would refuse turned off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
