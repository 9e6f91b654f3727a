"""payments settings."""

from common.config import Settings, load_settings

SERVICE = "payments"


def settings() -> Settings:
    """Validated settings for payments."""
    return load_settings(SERVICE)
