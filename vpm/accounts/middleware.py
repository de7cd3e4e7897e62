from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse


class StaffMFARequiredMiddleware:
    """Send staff and operators without TOTP to enrol before anything else.

    allauth verifies a second factor at sign-in once one is enrolled, but does
    not make anyone enrol. Patients are exempt: they sign in with a password.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/invitations/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            if request.path.startswith("/api/"):  # a program cannot follow a redirect to a form
                return JsonResponse({"detail": "Set up two-step sign-in first: "
                                     + request.build_absolute_uri(reverse("mfa_activate_totp"))},
                                    status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_enrol(self, request) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(self.ALLOWED_PREFIXES):
            return False
        needs_mfa = user.is_superuser or user.memberships.filter(is_active=True).exists()
        return needs_mfa and not user.has_mfa()
