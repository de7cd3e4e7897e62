from zoneinfo import ZoneInfo

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404
from django.utils import timezone

from vpm.accounts.second_factor import memberships_seen

from .access import practice_access_for_user
from .models import Practice


class PracticeMiddleware:
    """Resolve `/p/<practice_slug>/...` to the practice and the user's access.

    Sets `request.practice` and `request.practice_access`, or answers 404 for a
    practice the user does not belong to. Times in forms and pages are read and
    shown in the practice's time zone for the request. The API (which authenticates tokens
    itself, after middleware) resolves access in its base view instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # a worker thread's next request starts in UTC

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.practice = None
        request.practice_access = None
        slug = view_kwargs.get("practice_slug")
        if slug is None or request.path.startswith("/api/"):
            return None
        if getattr(view_func, "portal_page", False):
            # Patient pages may be opened with a checked link and no account:
            # vpm.portal.access decides who the visitor is.
            request.practice = get_object_or_404(Practice, slug=slug)
            timezone.activate(ZoneInfo(request.practice.timezone))
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access = practice_access_for_user(user=request.user, practice_slug=slug,
                                          memberships=memberships_seen(request, request.user))
        request.practice = access.practice
        request.practice_access = access
        timezone.activate(ZoneInfo(access.practice.timezone))
        return None
