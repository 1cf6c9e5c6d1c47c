"""Root URLs: the project wiring that mounts every app's pages and API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from registrations import urls as registrations_urls
from summit import views
from workshops import urls as workshops_urls

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    *registrations_urls.api_urlpatterns,
    *workshops_urls.api_urlpatterns,
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Staff who are not planners (facilitators, navigators, volunteers with a password) sign in here.
    path("accounts/login/", views.StaffLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include(api_patterns)),
    path("", views.home, name="home"),
    path("", include((registrations_urls.urlpatterns, "registrations"))),
    path("", include(workshops_urls.urlpatterns)),
]

# MEDIA_ROOT is never served as such: badge sheets, rosters and reports hold personal data and
# are downloaded only through views that check the planner's permission.

handler400 = "summit.views.handler400"
handler403 = "summit.views.handler403"
handler404 = "summit.views.handler404"
handler500 = "summit.views.handler500"
