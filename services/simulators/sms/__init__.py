"""SMS simulator: a local stand-in for Africa's Talking's SMS API (see README.md)."""

from simulators.sms.app import create_app

__all__ = ["create_app"]
