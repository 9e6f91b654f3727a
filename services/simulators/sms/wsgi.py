"""Entry point for gunicorn: `gunicorn -w 1 --threads 8 simulators.sms.wsgi:app`.

Exactly ONE worker: the simulator keeps what it sent in that process's memory.
"""

import logging

from simulators.sms.app import create_app

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = create_app()
