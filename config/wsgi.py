"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, polars …) lives as long as the worker: move it out
# of the collector's sight, so that a full collection during a request scans only that
# request's objects (CPython's gc.freeze, as large Django deployments do after start-up).
gc.freeze()
