"""Shared package every tomtin service uses; it imports no service."""
