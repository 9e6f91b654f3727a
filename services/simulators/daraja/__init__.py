"""Daraja simulator: a local stand-in for Safaricom's M-Pesa Daraja API (see README.md)."""

from simulators.daraja.app import create_app

__all__ = ["create_app"]
