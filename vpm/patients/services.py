"""Every write to a patient record, with its history and audit in the same transaction."""

import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record

from .merge_registry import patient_references
from .models import (
    ContactAttempt,
    ContactPoint,
    IdentityCheck,
    Insurance,
    Patient,
    PatientChange,
    PatientMerge,
)
from .text import note_clean

CONTACT_LABELS = dict(ContactPoint.Kind.choices)


class MergeRefused(ValueError):
    """The two records cannot be merged (same record, already merged, other practice)."""


def contact_attempt_log(*, patient, made_by, channel, direction, outcome, note,
                        occurred_at, request=None, via="web") -> ContactAttempt:
    """Add to the patient's contact log; a change to their record, so audited."""
    attempt = ContactAttempt.objects.create(
        practice_id=patient.practice_id, patient=patient, made_by=made_by, channel=channel,
        direction=direction, outcome=outcome, note=note_clean(note), occurred_at=occurred_at,
    )
    _audit_change(patient=patient, actor=made_by, request=request, via=via)
    return attempt


@transaction.atomic
def identity_check_record(*, patient, checked_by, first_identifier, second_identifier,
                          channel, passed, request=None, via="web") -> IdentityCheck:
    """Record an identity check; a change to the patient's record, so audited."""
    check = IdentityCheck.objects.create(
        practice_id=patient.practice_id, patient=patient, checked_by=checked_by,
        first_identifier=first_identifier, second_identifier=second_identifier,
        channel=channel, passed=passed,
    )
    _audit_change(patient=patient, actor=checked_by, request=request, via=via)
    return check


# --- Registration --------------------------------------------------------

def mrn_candidate() -> str:
    """'M' and 8 digits, random so an MRN says nothing countable."""
    return f"M{secrets.randbelow(10**8):08d}"


def mrn_generate(*, practice) -> str:
    """A new MRN of the practice."""
    while True:
        mrn = mrn_candidate()
        if not Patient.objects.for_practice(practice).filter(mrn=mrn).exists():
            return mrn


@transaction.atomic
def patient_register(*, practice, data: dict, contacts: dict, actor, insurance: dict | None = None,
                     insurance_verified=False, overridden_duplicates=(), via="web",
                     request=None) -> Patient:
    """Create a patient with contact points and coverage; record who did it.

    `overridden_duplicates` are the likely duplicates shown to the person who
    chose to save anyway: the choice is kept in the record's history.
    """
    fields = {**data, "mrn": data.get("mrn") or mrn_generate(practice=practice)}
    patient = Patient.objects.create(practice=practice, **fields)
    for kind, value in contacts.items():
        if value:
            ContactPoint.objects.create(practice=practice, patient=patient, kind=kind,
                                        value=value, is_primary=True)
    if insurance:
        _insurance_create(patient=patient, data=insurance, verified=insurance_verified, actor=actor)
    _change(patient, actor, via, PatientChange.Kind.CREATED, new_value=f"MRN {patient.mrn}")
    if overridden_duplicates:
        shown = ", ".join(f"MRN {p.mrn}" for p in overridden_duplicates)
        _change(patient, actor, via, PatientChange.Kind.DUPLICATE_OVERRIDE,
                field="duplicates", new_value=shown)
    _audit_change(patient=patient, actor=actor, request=request, via=via)
    return patient


# --- Edits with history -------------------------------------------------

@transaction.atomic
def patient_update(*, patient, data: dict, contacts: dict | None = None, actor, via="web",
                   request=None) -> list[PatientChange]:
    """Apply the changed values; one PatientChange per changed field, one audit event."""
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    changes = []
    for name, new in data.items():
        old = getattr(locked, name)
        if old != new:
            changes.append(_change(locked, actor, via, PatientChange.Kind.UPDATED, field=name,
                                   old_value=_shown(locked, name, old),
                                   new_value=_shown(locked, name, new, assign=True)))
    if changes:
        locked.save(update_fields=[c.field for c in changes] + ["updated_at"])
    for kind, value in (contacts or {}).items():
        change = _contact_point_set(locked, kind, value, actor, via)
        if change:
            changes.append(change)
    if changes:
        _audit_change(patient=locked, actor=actor, request=request, via=via)
    patient.refresh_from_db()
    return changes


def _shown(patient, name, value, *, assign=False) -> str:
    """The value as a person reads it in the history ("Text message", "1980-05-17")."""
    if assign:
        setattr(patient, name, value)
    field = patient._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _contact_point_set(patient, kind, value, actor, via) -> PatientChange | None:
    """Make the patient's main `kind` contact point `value` ("" removes it)."""
    point = patient.contact_points.filter(kind=kind).order_by("-is_primary", "id").first()
    old = point.value if point else ""
    if old == value:
        return None
    if point and not value:
        point.delete()
    elif point:
        # A new address or number has not been verified, whatever the old one was.
        point.value, point.verified_at = value, None
        point.save(update_fields=["value", "verified_at"])
    else:
        ContactPoint.objects.create(practice_id=patient.practice_id, patient=patient, kind=kind,
                                    value=value, is_primary=True)
    return _change(patient, actor, via, PatientChange.Kind.UPDATED, field=f"contact:{kind}",
                   old_value=old, new_value=value)


@transaction.atomic
def contact_point_add(*, patient, kind, value, is_primary=False, actor, via="api",
                      request=None) -> ContactPoint:
    """Add one more email or phone (the API can keep several of a kind)."""
    if is_primary:
        patient.contact_points.filter(kind=kind).update(is_primary=False)
    point = ContactPoint.objects.create(practice_id=patient.practice_id, patient=patient,
                                        kind=kind, value=value, is_primary=is_primary)
    _change(patient, actor, via, PatientChange.Kind.UPDATED, field=f"contact:{kind}",
            new_value=value)
    _audit_change(patient=patient, actor=actor, request=request, via=via)
    return point


@transaction.atomic
def contact_point_remove(*, point, actor, via="api", request=None) -> None:
    _change(point.patient, actor, via, PatientChange.Kind.UPDATED, field=f"contact:{point.kind}",
            old_value=point.value)
    point.delete()
    _audit_change(patient=point.patient, actor=actor, request=request, via=via)


# --- Insurance -----------------------------------------------------------

INSURANCE_FIELDS = ("payer", "member_id", "group_number", "subscriber_name",
                    "subscriber_relationship")


def _insurance_create(*, patient, data, verified, actor) -> Insurance:
    return Insurance.objects.create(
        practice_id=patient.practice_id, patient=patient, **data,
        verified_at=timezone.now() if verified else None, verified_by=actor if verified else None,
    )


@transaction.atomic
def insurance_save(*, patient, data: dict, verified=False, insurance=None, actor, via="web",
                   request=None) -> Insurance:
    """Add coverage or change it; `verified` stamps today's check by `actor`.

    Changing the payer or member id of verified coverage clears the
    verification: the new details have not been checked.
    """
    if insurance is None:
        insurance = _insurance_create(patient=patient, data=data, verified=verified, actor=actor)
        _change(patient, actor, via, PatientChange.Kind.UPDATED, field="insurance",
                new_value=f"{insurance.payer} {insurance.member_id}")
    else:
        # Re-read: a ModelForm bound to `insurance` has already set the new values on it.
        insurance = Insurance.objects.select_for_update().select_related("patient") \
            .get(pk=insurance.pk)
        _insurance_apply(insurance, data, verified, actor, via)
    _audit_change(patient=patient, actor=actor, request=request, via=via)
    return insurance


def _insurance_apply(insurance, data, verified, actor, via):
    changed = [name for name, value in data.items() if getattr(insurance, name) != value]
    for name in changed:
        _change(insurance.patient, actor, via, PatientChange.Kind.UPDATED,
                field=f"insurance:{name}", old_value=getattr(insurance, name),
                new_value=data[name])
        setattr(insurance, name, data[name])
    if {"payer", "member_id"} & set(changed):
        insurance.verified_at, insurance.verified_by = None, None
    if verified:
        insurance.verified_at, insurance.verified_by = timezone.now(), actor
        _change(insurance.patient, actor, via, PatientChange.Kind.UPDATED,
                field="insurance:verified", new_value=f"verified by {actor.display_name}")
    insurance.save()


# --- Merge ---------------------------------------------------------------

@transaction.atomic
def patient_merge(*, kept, merged, actor, reason="", via="web", request=None) -> PatientMerge:
    """Fold `merged` into `kept`: every registered reference moves, the rest is recorded.

    Both rows are locked in primary-key order, so two merges of the same pair
    started at once cannot deadlock; the second finds `merged` already merged.
    """
    if kept.practice_id != merged.practice_id or kept.pk == merged.pk:
        raise MergeRefused("Choose two different records of the same practice.")
    locked = {p.pk: p for p in Patient.objects.select_for_update()
              .filter(pk__in=[kept.pk, merged.pk]).order_by("pk")}
    kept, merged = locked[kept.pk], locked[merged.pk]
    if kept.merged_into_id or merged.merged_into_id:
        raise MergeRefused("One of these records has already been merged into another.")
    moved, outcomes = {}, {}
    for ref in patient_references():
        outcome = ref.before_move(kept, merged) if ref.before_move else None
        if outcome:
            outcomes[ref.model_label] = outcome
        count = ref.rows_to_move(merged).update(**{ref.field: kept})
        if count:
            moved[ref.model_label] = count
    _portal_account_move(kept, merged)
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "user", "updated_at"])
    record = PatientMerge.objects.create(
        practice_id=kept.practice_id, kept=kept, merged=merged, merged_by=actor, reason=reason,
        moved=moved, outcomes=outcomes, merged_snapshot=_snapshot(merged))
    notes = "".join(f" {note}" for note in record.notes)
    _change(kept, actor, via, PatientChange.Kind.MERGED, field="merged",
            new_value=f"MRN {merged.mrn} ({merged.full_name}) merged into this record.{notes}")
    _change(merged, actor, via, PatientChange.Kind.MERGED, field="merged",
            new_value=f"Merged into MRN {kept.mrn} ({kept.full_name}).{notes}")
    for patient in (kept, merged):
        _audit_change(patient=patient, actor=actor, request=request, via=via)
    return record


def _portal_account_move(kept, merged):
    """The sign-in user follows the person, unless the kept record has its own.

    When both have one, the portal's `before_move` (vpm/portal/merge.py) has
    already switched the duplicate's off and unlinked it.
    """
    if merged.user_id and not kept.user_id:
        kept.user_id, merged.user_id = merged.user_id, None
        merged.save(update_fields=["user"])  # free the unique (practice, user) first
        kept.save(update_fields=["user", "updated_at"])


def _snapshot(patient) -> dict:
    return {name: _shown(patient, name, getattr(patient, name))
            for name in Patient.EDITABLE_FIELDS}


def contact_points_resolve_merge_clash(kept, merged):
    """Drop the merged record's copy of a contact point the kept record has too.

    The kept copy inherits the verification if only the dropped one was verified.
    """
    kept_points = {(p.kind, p.value): p for p in kept.contact_points.all()}
    for point in merged.contact_points.all():
        twin = kept_points.get((point.kind, point.value))
        if twin is None:
            continue
        if point.verified_at and not twin.verified_at:
            twin.verified_at = point.verified_at
            twin.save(update_fields=["verified_at"])
        point.delete()
    if kept.contact_points.filter(is_primary=True).exists():
        merged.contact_points.update(is_primary=False)


def insurances_resolve_merge_clash(kept, merged):
    """The same card on both records is kept once (the kept record's copy)."""
    on_kept = set(kept.insurances.values_list("payer", "member_id"))
    for insurance in merged.insurances.all():
        if (insurance.payer, insurance.member_id) in on_kept:
            insurance.delete()


# --- History and audit -----------------------------------------------------

def _change(patient, actor, via, kind, *, field="", old_value="", new_value="") -> PatientChange:
    return PatientChange.objects.create(
        practice_id=patient.practice_id, patient=patient, kind=kind, field=field,
        old_value=old_value, new_value=new_value, changed_by=actor, via=via)


def _audit_change(*, patient, actor, request, via):
    """CHANGE_PATIENT, with the request's address when there is one (not for imports)."""
    if request is not None:
        audit_record(request=request, practice=patient.practice, patient=patient, obj=patient,
                     action=AuditEvent.Action.CHANGE_PATIENT, via=via)
        return
    AuditEvent.objects.create(practice_id=patient.practice_id, actor=actor, patient=patient,
                              action=AuditEvent.Action.CHANGE_PATIENT, via=via,
                              object_type="patients.patient", object_id=str(patient.pk))

