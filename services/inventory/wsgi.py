"""gunicorn entry point: `gunicorn inventory.wsgi:app`."""

from .app import create_app

app = create_app()
