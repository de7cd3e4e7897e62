"""URL map. Everything a practice owns lives under /p/<practice-slug>/ (pages)
or /api/v1/p/<practice-slug>/ (API): the practice is always in the URL, so two
tabs on two practices just work."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from vpm import errors, health
from vpm.notify import twilio as notify_twilio
from vpm.practices import views as practice_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "VPM platform administration"

practice_urls = [
    path("", include("dashboard.urls")),
    path("", include("vpm.patients.urls")),
    path("", include("vpm.audit.urls")),
    path("", include("vpm.practices.urls")),
    path("", include("vpm.notify.urls")),
    path("", include("messaging.urls")),
    path("", include("vpm.portal.urls")),
    path("", include("scheduling.urls")),
]

urlpatterns = [
    path("", practice_views.home, name="home"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("vpm.accounts.urls")),  # before allauth's: some replace its
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("invitations/<uuid:token>/", practice_views.invitation_accept, name="invitation_accept"),
    path("p/<slug:practice_slug>/", include(practice_urls)),
    path("webhooks/twilio/status/", notify_twilio.status_callback, name="twilio_status_callback"),
    path("api/v1/", include("vpm.api_urls")),
    # Inbound texts and emails (messaging): signed provider webhooks.
    path("webhooks/", include("messaging.webhook_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]

# Error pages keep the layout (staff or portal) and offer a way back: vpm/errors.py.
handler403 = "vpm.errors.permission_denied"
handler404 = "vpm.errors.page_not_found"
handler500 = "vpm.errors.server_error"
