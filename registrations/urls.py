from django.urls import path

from registrations import api, views

app_name = "registrations"

api_urlpatterns = [
    path("summits/<slug:slug>/", api.SummitDetailAPI.as_view(), name="api-summit-detail"),
    path(
        "summits/<slug:slug>/registrations/",
        api.RegistrationListCreateAPI.as_view(),
        name="api-registrations",
    ),
    path(
        "summits/<slug:slug>/registrations/export.csv",
        api.RegistrationExportAPI.as_view(),
        name="api-registrations-export",
    ),
]

urlpatterns = [
    path("summits/<slug:slug>/", views.summit_page, name="summit"),
    path("summits/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("summits/<slug:slug>/link/", views.send_link, name="send-link"),
    path("summits/<slug:slug>/staff/register/", views.assisted_registration, name="assisted"),
    path("r/<str:token>/", views.manage, name="manage"),
]
