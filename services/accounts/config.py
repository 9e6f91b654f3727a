"""accounts settings."""

from common.config import Settings, load_settings

SERVICE = "accounts"


def settings() -> Settings:
    """Validated settings for accounts."""
    return load_settings(SERVICE)
