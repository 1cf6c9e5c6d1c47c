"""Benchmark-only WSGI app: Summit plus POST /bench/bare-insert, which parses JSON and inserts
one row through the ORM with nothing else. Its throughput is the ceiling a registration is
measured against."""

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

summit_app = get_wsgi_application()


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/bare-insert":
        from django.db import close_old_connections

        from summit.models import AuditEvent

        close_old_connections()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        event = AuditEvent.objects.create(action="bench.insert", detail=str(body.get("email", ""))[:100])
        payload = json.dumps({"id": event.pk}).encode()
        start_response(
            "201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        )
        return [payload]
    return summit_app(environ, start_response)
