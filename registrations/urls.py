from django.urls import path

from registrations import api

api_urlpatterns = [
    path("summits/<slug:slug>/", api.SummitDetailAPI.as_view(), name="api-summit-detail"),
]

urlpatterns = []
