"""Entry point for gunicorn: `gunicorn -w 1 --threads 8 simulators.daraja.wsgi:app`.

Exactly ONE worker: the simulator keeps its state in that process's memory.
"""

import logging

from simulators.daraja.app import create_app

# Callback deliveries are logged at INFO; show them under gunicorn.
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = create_app()
