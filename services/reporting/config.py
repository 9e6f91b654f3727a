"""reporting settings."""

from common.config import Settings, load_settings

SERVICE = "reporting"


def settings() -> Settings:
    """Validated settings for reporting."""
    return load_settings(SERVICE)
