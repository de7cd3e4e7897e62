from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .second_factor import second_factor_facts, second_factor_state


class StaffMFARequiredMiddleware:
    """Staff and operators must have passed TOTP in this session, on pages and the API.

    Without an authenticator they are sent to enrol; with one that this
    session has not used (it signed in before enrolment, or with an
    authenticator since removed) they are asked for a code. Patients are
    exempt: they sign in with a password. API token requests are checked by
    the token authentication (vpm.accounts.tokens) instead.

    A staff request pays one query here (its memberships and authenticators
    together, `second_factor_facts`), read fresh every time; the practice
    middleware then finds its membership in that list.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/invitations/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: /healthz and static files never load the session or the user.
        if request.path.startswith(self.ALLOWED_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        memberships, authenticators = second_factor_facts(user)  # one query
        request._staff_memberships = (user.pk, memberships)  # for this request only
        if not (memberships or user.is_superuser):
            return self.get_response(request)
        state = second_factor_state(request, user, authenticators)
        if state == "passed":
            return self.get_response(request)
        if state == "not_enrolled":
            url, reason = reverse("mfa_activate_totp"), "Set up two-step sign-in first: "
        else:
            url = reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.get_full_path()})
            reason = "Confirm two-step sign-in in this session first: "
        if request.path.startswith("/api/"):  # a program cannot follow a redirect to a form
            return JsonResponse({"detail": reason + request.build_absolute_uri(url)}, status=403)
        return redirect(url)
