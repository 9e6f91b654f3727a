"""Daraja simulator: a local stand-in for Safaricom's M-Pesa Daraja API (see README.md)."""

from daraja_sim.app import create_app

__all__ = ["create_app"]
