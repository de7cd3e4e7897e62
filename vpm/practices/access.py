"""Who may do what in a practice, decided in one place.

The practice always comes from the URL and is re-checked against the user's
membership (staff) or patient record (portal) on every request. A practice the
user does not belong to is a 404, exactly like one that does not exist.
"""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Practice, Role


@dataclass(frozen=True)
class PracticeAccess:
    practice: Practice
    membership: Membership | None
    patient: object | None  # vpm.patients.models.Patient

    @property
    def is_staff(self):
        return self.membership is not None

    @property
    def is_manager(self):
        return self.membership is not None and self.membership.role == Role.MANAGER


def practice_access_for_user(*, user, practice_slug: str, memberships=None) -> PracticeAccess:
    """Resolve the practice named in a URL for this user, or raise Http404.

    `memberships`: the user's active memberships (with their practices) as read
    earlier in this same request (vpm.accounts.second_factor.memberships_seen).
    """
    from vpm.patients.models import Patient

    if not user.is_authenticated:
        raise Http404
    if memberships is not None:
        membership = next((m for m in memberships if m.practice.slug == practice_slug), None)
    else:  # practice and membership in one query
        membership = (
            Membership.objects.filter(practice__slug=practice_slug, user=user, is_active=True)
            .select_related("practice", "user").first()
        )
    if membership is not None:
        return PracticeAccess(practice=membership.practice, membership=membership, patient=None)
    practice = Practice.objects.filter(slug=practice_slug).first()
    if practice is None:
        raise Http404
    patient = Patient.objects.for_practice(practice).filter(user=user).first()
    if patient is None:
        raise Http404
    return PracticeAccess(practice=practice, membership=None, patient=patient)


def _require(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            access = getattr(request, "practice_access", None)
            if access is None:
                raise Http404
            if not check(access):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = _require(lambda access: access.is_staff)
manager_required = _require(lambda access: access.is_manager)
patient_required = _require(lambda access: access.patient is not None)
