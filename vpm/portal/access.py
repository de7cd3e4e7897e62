"""Who is looking at a portal page: a signed-in patient or a checked link.

Every patient page is wrapped in `patient_page`. It sets `request.portal`
(a `PortalVisitor`) or answers before the view runs:

- a patient signed in to their account of this practice: allowed;
- a browser that passed a link's date-of-birth check for this practice, on a
  page that accepts that link's purpose: allowed (the view must still check
  the link's target with `visitor.require_target`);
- staff of this practice: 403 (they know the practice; this is not their page);
- anyone else signed in (another practice's staff or patient): 404;
- nobody: sent to the practice's portal sign-in page.

Portal pages are marked `portal_page`, so `PracticeMiddleware` resolves only
the practice for them and leaves the rest to these decorators.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

from vpm.patients.models import Patient
from vpm.practices.models import Membership

from .models import PortalLink, PortalState
from .services import LINK_SESSION_FOR

LINK_SESSION_KEY = "portal_links"
SIGNED_IN_AT_KEY = "portal_signed_in_at"
LANGUAGE_CHOICE_KEY = "portal_language"


@dataclass(frozen=True)
class PortalVisitor:
    practice: object
    patient: Patient
    link: PortalLink | None = None  # None: signed in to an account

    @property
    def has_account_session(self) -> bool:
        return self.link is None

    def may_open(self, *, purpose: str, target) -> bool:
        return self.link is None or (self.link.purpose == purpose
                                     and self.link.target == str(target))

    def require_target(self, *, purpose: str, target) -> None:
        """A link opens only its own object: anything else is a 404."""
        if not self.may_open(purpose=purpose, target=target):
            raise Http404


def portal_page(view):
    """Mark a view as a portal page (see the module docstring)."""
    view.portal_page = True
    return view


def patient_page(view=None, *, link_purposes=(), accounts=True):
    """Allow a view to signed-in patients and, for `link_purposes`, to checked links."""

    def decorator(view):
        @portal_page
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            visitor = portal_visitor(request, link_purposes=link_purposes, accounts=accounts)
            if visitor is None:
                return _to_sign_in(request)
            request.portal = visitor
            activate_patient_language(request, visitor.patient)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator


def public_portal_page(view):
    """A portal page for anyone (sign-in, link check): the practice and a language only."""

    @portal_page
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        activate_visitor_language(request)
        return view(request, *args, **kwargs)

    return wrapped


class _AnyPurpose:
    def __contains__(self, purpose):
        return True


ANY_PURPOSE = _AnyPurpose()


def portal_visitor(request, *, link_purposes=ANY_PURPOSE, accounts=True):
    """The PortalVisitor of this request, None for nobody; 403/404 as described above."""
    practice = request.practice
    if request.user.is_authenticated:
        if Membership.objects.filter(practice=practice, user=request.user,
                                     is_active=True).exists():
            raise PermissionDenied
        patient = Patient.objects.for_practice(practice).filter(user=request.user).first()
        if patient is not None:
            if _sessions_ended(patient, request.session.get(SIGNED_IN_AT_KEY)):
                logout(request)
                return None
            if not accounts:
                raise Http404
            return PortalVisitor(practice=practice, patient=patient)
    link = _checked_link(request, practice)
    if link is not None:
        if link.purpose not in link_purposes:
            raise Http404
        return PortalVisitor(practice=practice, patient=link.patient, link=link)
    if request.user.is_authenticated:
        raise Http404  # signed in, but nobody of this practice
    return None


def _sessions_ended(patient, started_iso) -> bool:
    ended = PortalState.objects.filter(patient=patient).values_list("sessions_ended_at",
                                                                   flat=True).first()
    if ended is None:
        return False
    return started_iso is None or datetime.fromisoformat(started_iso) < ended


def _checked_link(request, practice):
    entry = request.session.get(LINK_SESSION_KEY, {}).get(str(practice.pk))
    if not entry:
        return None
    checked_at = datetime.fromisoformat(entry["at"])
    link = (PortalLink.objects.for_practice(practice).select_related("patient")
            .filter(pk=entry["link"]).first())
    if (link is None or not link.is_usable() or timezone.now() - checked_at > LINK_SESSION_FOR
            or _sessions_ended(link.patient, entry["at"])):
        link_session_end(request, practice)
        return None
    return link


def link_session_start(request, link) -> None:
    """The check passed: this browser may open the link's pages for a while."""
    request.session.cycle_key()  # a new session id once identity is shown
    sessions = request.session.get(LINK_SESSION_KEY, {})
    sessions[str(link.practice_id)] = {"link": link.pk, "at": timezone.now().isoformat()}
    request.session[LINK_SESSION_KEY] = sessions


def link_session_end(request, practice) -> None:
    sessions = request.session.get(LINK_SESSION_KEY, {})
    if sessions.pop(str(practice.pk), None) is not None:
        request.session[LINK_SESSION_KEY] = sessions


def mark_signed_in(request) -> None:
    """Called on every sign-in (signal), so staff can end sessions that began earlier."""
    request.session[SIGNED_IN_AT_KEY] = timezone.now().isoformat()


def _to_sign_in(request):
    url = reverse("portal_sign_in", args=[request.practice.slug])
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


# --- Language --------------------------------------------------------------

def visitor_language(request) -> str:
    """Before we know the patient: their choice on this browser, else the practice's default."""
    chosen = request.session.get(LANGUAGE_CHOICE_KEY)
    return chosen or request.practice.default_language


def activate_visitor_language(request) -> None:
    translation.activate(visitor_language(request))
    request.LANGUAGE_CODE = translation.get_language()


def activate_patient_language(request, patient) -> None:
    """A choice made before sign-in (on the sign-in or check page) is saved to the record."""
    chosen = request.session.pop(LANGUAGE_CHOICE_KEY, None)
    if chosen and chosen != patient.preferred_language:
        patient.preferred_language = chosen
        patient.save(update_fields=["preferred_language", "updated_at"])
    translation.activate(patient.preferred_language)
    request.LANGUAGE_CODE = translation.get_language()
