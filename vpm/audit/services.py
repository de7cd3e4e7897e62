from vpm.sql import insert_one

from .models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address as the rate limits see it (behind TRUSTED_PROXY_COUNT proxies)."""
    from allauth.core.internal.httpkit import get_client_ip

    return get_client_ip(request) or None


def audit_record(*, request, practice, action, patient=None, obj=None, via="web") -> AuditEvent:
    """Write one audit event for a read or change of patient data.

    Written with a hand-made INSERT (`insert_one`): nearly every page writes
    one, and the ORM's `create` cost more than the statement itself; the row is
    the same (tests/core/test_audit_insert.py compares them)."""
    return insert_one(AuditEvent(
        practice=practice,
        actor=request.user if request.user.is_authenticated else None,
        patient=patient,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        via=via,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    ))
