"""Benchmark-only WSGI app: Summit plus POST /bench/bare-insert, a Django view behind the same
middleware stack as every page and API call, which parses JSON and inserts one row through the
ORM with nothing else. Its throughput is the ceiling a registration is measured against: the
same framework and database, none of the registration's rules."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.ROOT_URLCONF = "bench.ceiling_urls"
application = get_wsgi_application()
