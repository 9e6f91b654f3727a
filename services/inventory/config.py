"""inventory settings."""

from common.config import Settings, load_settings

SERVICE = "inventory"


def settings() -> Settings:
    """Validated settings for inventory."""
    return load_settings(SERVICE)
