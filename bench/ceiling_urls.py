"""URLs for bench/ceiling_wsgi.py: Summit's own, plus the bare insert endpoint."""

import json

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from summit.models import AuditEvent
from summit.urls import urlpatterns as summit_urlpatterns


@csrf_exempt
def bare_insert(request):
    body = json.loads(request.body or b"{}")
    event = AuditEvent.objects.create(action="bench.insert", detail=str(body.get("email", ""))[:100])
    return JsonResponse({"id": event.pk}, status=201)


urlpatterns = [path("bench/bare-insert", bare_insert), *summit_urlpatterns]
