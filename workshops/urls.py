from django.urls import path

from workshops import api, views

api_urlpatterns = [
    path("summits/<slug:slug>/assignment/runs/", api.AssignmentRunsAPI.as_view(), name="api-assignment-runs"),
    path(
        "summits/<slug:slug>/assignment/runs/<int:run_id>/",
        api.AssignmentRunDetailAPI.as_view(),
        name="api-assignment-run",
    ),
    path("summits/<slug:slug>/assignment/publish/", api.PublishAPI.as_view(), name="api-assignment-publish"),
    path("summits/<slug:slug>/assignments/", api.AssignmentsAPI.as_view(), name="api-assignments"),
    path(
        "summits/<slug:slug>/assignments/<uuid:registration_id>/",
        api.AssignmentDetailAPI.as_view(),
        name="api-assignment",
    ),
]

urlpatterns = [
    path("summits/<slug:slug>/planner/groups/", views.planner_groups, name="planner-groups"),
    path("summits/<slug:slug>/groups/<slug:group_slug>/roster.csv", views.roster_csv, name="roster-csv"),
    path("summits/<slug:slug>/groups/<slug:group_slug>/roster.pdf", views.roster_pdf, name="roster-pdf"),
]
