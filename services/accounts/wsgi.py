"""gunicorn entry point: `gunicorn accounts.wsgi:app`."""

from .app import create_app

app = create_app()
