"""API: patients of a practice and their contact log. Every read is audited."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from vpm.api import (
    Conflict,
    ErrorOutput,
    PersonOutput,
    PracticeAPIView,
    QueryInput,
    StrictCharField,
    StrictInput,
    choice_field,
)
from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.validators import BoundedDateTimeSerializerField

from .contact import email_normalise, phone_normalise
from .forms import CLOCK_SKEW, CONTACT_LOG_MAX_PAST, InsuranceForm, PatientForm
from .models import Channel, ContactAttempt, ContactPoint, Insurance, Patient, Sex
from .selectors import duplicate_candidates, patient_search
from .services import (
    MergeRefused,
    contact_attempt_log,
    contact_point_add,
    contact_point_remove,
    insurance_save,
    patient_merge,
    patient_register,
    patient_update,
)
from .text import note_clean

NOT_FOUND = OpenApiResponse(ErrorOutput, description="No such patient in this practice.")


# --- Output ---------------------------------------------------------------

class PatientListOutput(serializers.Serializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    mrn = serializers.CharField(help_text="Medical record number.")


class ContactPointOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ContactPoint.Kind.choices)
    value = serializers.CharField()
    is_primary = serializers.BooleanField()
    verified = serializers.BooleanField(source="is_verified")
    verified_at = serializers.DateTimeField(allow_null=True)


class InsuranceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    payer = serializers.CharField()
    member_id = serializers.CharField()
    group_number = serializers.CharField()
    subscriber_name = serializers.CharField()
    subscriber_relationship = serializers.ChoiceField(choices=Insurance.Relationship.choices)
    is_primary = serializers.BooleanField()
    verified_at = serializers.DateTimeField(allow_null=True)
    verified_by = PersonOutput(allow_null=True)


class PatientDetailOutput(PatientListOutput):
    preferred_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    gender_identity = serializers.CharField()
    preferred_language = serializers.CharField()
    preferred_channel = serializers.CharField()
    address = serializers.CharField()
    emergency_contact_name = serializers.CharField()
    emergency_contact_relationship = serializers.CharField()
    emergency_contact_phone = serializers.CharField()
    has_portal_account = serializers.SerializerMethodField()
    merged_into = serializers.UUIDField(source="merged_into_id", allow_null=True,
                                        help_text="Set when this record was merged into another.")
    contact_points = ContactPointOutput(many=True)
    insurances = InsuranceOutput(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_has_portal_account(self, patient) -> bool:
        return patient.user_id is not None


class ContactAttemptOutput(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=ContactAttempt.Direction.choices)
    outcome = serializers.ChoiceField(choices=ContactAttempt.Outcome.choices)
    note = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    made_by = PersonOutput(allow_null=True, help_text="Empty for automatic messages.")
    created_at = serializers.DateTimeField()


# --- Input ----------------------------------------------------------------

class PatientListQuery(QueryInput):
    q = StrictCharField(max_length=100, allow_blank=True, default="",
                        help_text='"Last, First", name starts (accents ignored), a date of birth, '
                                  "a phone in any format, an email or an MRN.")


def _text(max_length, **kwargs):
    return StrictCharField(max_length=max_length, required=False, allow_blank=True, **kwargs)


class PatientInput(StrictInput):
    """A patient's details. On create, first/last name and date of birth are required.

    The values are checked by the same rules as the staff page (phones parsed
    with the practice's region and stored in E.164, email typo check, dates of
    birth not in the future nor before 1900, no control characters).
    """

    first_name = _text(100)
    last_name = _text(100)
    preferred_name = _text(100)
    date_of_birth = _text(40, help_text="1980-05-17 (other common formats are accepted).")
    sex = choice_field(Sex.choices, required=False)
    gender_identity = _text(64)
    address = _text(300)
    preferred_language = _text(8)
    preferred_channel = choice_field(["email", "sms", "phone"], required=False)
    mrn = _text(32, help_text="Leave out to have one made.")
    email = _text(254)
    mobile_phone = _text(40)
    home_phone = _text(40)
    emergency_contact_name = _text(200)
    emergency_contact_relationship = _text(64)
    emergency_contact_phone = _text(40)


class PatientCreateInput(PatientInput):
    save_anyway = serializers.BooleanField(
        default=False, help_text="Create even though likely duplicates exist (recorded).")


class InsuranceInput(StrictInput):
    payer = _text(120)
    member_id = _text(64)
    group_number = _text(64)
    subscriber_name = _text(200)
    subscriber_relationship = choice_field(Insurance.Relationship.choices, required=False)
    verified = serializers.BooleanField(default=False,
                                        help_text="Mark as verified with the payer now, by you.")


class ContactPointInput(StrictInput):
    kind = choice_field(ContactPoint.Kind.choices)
    value = StrictCharField(max_length=254)
    is_primary = serializers.BooleanField(default=False)


class MergeInput(StrictInput):
    merged = serializers.UUIDField(help_text="The duplicate record, folded into this one.")
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class DuplicateOutput(serializers.Serializer):
    detail = serializers.CharField()
    duplicates = PatientListOutput(many=True)


class MergeOutput(serializers.Serializer):
    kept = serializers.UUIDField(source="kept_id")
    merged = serializers.UUIDField(source="merged_id")
    moved = serializers.DictField(child=serializers.IntegerField(),
                                  help_text="Rows moved to the kept record, per model.")
    outcomes = serializers.DictField(
        child=serializers.DictField(),
        help_text='Per model, what the merge decided where both records had a one-per-patient '
                  'row, each with a "note". "portal.portalaccount": {"note", "moved_account"} '
                  'or {"note", "kept_account", "deactivated_account", "links_revoked", ...}.')
    merged_at = serializers.DateTimeField()


class ContactAttemptInput(StrictInput):
    channel = choice_field(Channel.choices)
    direction = choice_field(ContactAttempt.Direction.choices)
    outcome = choice_field(ContactAttempt.Outcome.choices)
    note = StrictCharField(max_length=2000, allow_blank=True, default="")
    occurred_at = BoundedDateTimeSerializerField(
        max_past=CONTACT_LOG_MAX_PAST, max_future=CLOCK_SKEW, allow_null=True, default=None,
        help_text="When it happened; leave out for now.")

    def validate_occurred_at(self, value):
        return value or timezone.now()

    def validate_note(self, value):
        return note_clean(value)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        problem = ContactAttempt.outcome_problem(attrs["direction"], attrs["outcome"])
        if problem:
            raise serializers.ValidationError({"outcome": [problem]})
        return attrs


def _checked_by_form(form):
    """Run the staff page's own rules; their messages become the API's field errors."""
    if not form.is_valid():
        raise serializers.ValidationError(
            {name: [str(message) for message in errors] for name, errors in form.errors.items()})
    return form


def _patient_form(practice, data, instance=None):
    if instance is not None:  # a partial update: unchanged fields keep their values
        form = PatientForm(instance=instance, practice=practice)
        data = {**{name: form[name].value() for name in form.fields}, **data}
        data = {k: ("" if v is None else v) for k, v in data.items()}
    return _checked_by_form(PatientForm(data, instance=instance, practice=practice))


# --- Views ----------------------------------------------------------------

class PatientListView(PracticeAPIView):
    def scoped_queryset(self, practice):
        query = self.validated_query(PatientListQuery)
        return patient_search(practice=practice, query=query["q"])

    @extend_schema(summary="Search the practice's patients", parameters=[PatientListQuery],
                   responses=PatientListOutput(many=True))
    def get(self, request, practice_slug):
        """Alphabetical by last name. Each call is recorded in the practice's audit log."""
        return self.audited_page_response(PatientListOutput, AuditEvent.Action.LIST_PATIENTS)

    @extend_schema(summary="Register a patient", request=PatientCreateInput,
                   responses={201: PatientDetailOutput,
                              409: OpenApiResponse(DuplicateOutput,
                                                   description="Likely duplicates; nothing saved. "
                                                   "Send save_anyway to create anyway.")})
    def post(self, request, practice_slug):
        """Likely duplicates (same date of birth and a similar name, or the same phone or
        email) answer 409 with the candidates, unless `save_anyway` is true (recorded)."""
        data = self.validated_body(PatientCreateInput)
        save_anyway = data.pop("save_anyway")
        defaults = {"sex": Sex.UNKNOWN, "preferred_language": self.practice.default_language}
        form = _patient_form(self.practice, {**defaults, **data})
        found = [c.patient for c in duplicate_candidates(
            practice=self.practice, first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            contact_values=form.contact_data().values())]
        if found and not save_anyway:
            audit_record(request=request, practice=self.practice,
                         action=AuditEvent.Action.LIST_PATIENTS, via="api")
            return Response({"detail": "Likely duplicates of an existing patient; nothing was "
                             "saved. Send save_anyway: true if this is a different person.",
                             "duplicates": PatientListOutput(found, many=True).data}, status=409)
        patient = patient_register(practice=self.practice, data=form.patient_data(),
                                   contacts=form.contact_data(), overridden_duplicates=found,
                                   actor=request.user, via="api", request=request)
        return Response(PatientDetailOutput(_reread(self, patient)).data, status=201)


class PatientDetailView(PracticeAPIView):
    lookup_url_kwarg = "patient_id"

    def scoped_queryset(self, practice):
        points = ContactPoint.objects.order_by("-is_primary", "kind", "created_at", "id")
        return Patient.objects.for_practice(practice).prefetch_related(
            Prefetch("contact_points", queryset=points),
            Prefetch("insurances", queryset=Insurance.objects.select_related("verified_by")))

    @extend_schema(summary="Change a patient's details", request=PatientInput,
                   responses={200: PatientDetailOutput, 404: NOT_FOUND})
    def patch(self, request, practice_slug, patient_id):
        """Send only what changes. Each changed value is kept in the record's history
        (who, when, old, new) and the change is audited (`change_patient`)."""
        data = self.validated_body(PatientInput)
        patient = self.get_object()
        form = _patient_form(self.practice, data, instance=patient)
        changed_contacts = {kind: value for kind, value in form.contact_data().items()
                            if _contact_field(kind) in data}
        patient_update(patient=patient, data=form.patient_data(), contacts=changed_contacts,
                       actor=request.user, via="api", request=request)
        return Response(PatientDetailOutput(_reread(self, patient)).data)

    @extend_schema(summary="One patient: demographics and contact points",
                   responses={200: PatientDetailOutput, 404: NOT_FOUND})
    def get(self, request, practice_slug, patient_id):
        """Demographics and contact points (with their verified state). Audited."""
        patient = self.get_object()
        audit_record(request=request, practice=self.practice, patient=patient, obj=patient,
                     action=AuditEvent.Action.VIEW_PATIENT, via="api")
        return Response(PatientDetailOutput(patient).data)


class ContactAttemptsView(PracticeAPIView):
    """The contact log of one patient: read it, or add to it.

    The object this view looks up is the patient, so a patient of another
    practice is a 404 before any attempt is read or written.
    """

    lookup_url_kwarg = "patient_id"

    def scoped_queryset(self, practice):
        return Patient.objects.for_practice(practice)

    @extend_schema(summary="A patient's contact log, newest first",
                   responses={200: ContactAttemptOutput(many=True), 404: NOT_FOUND})
    def get(self, request, practice_slug, patient_id):
        """Calls, messages and visits, newest first. Audited."""
        patient = self.get_object()
        attempts = (ContactAttempt.objects.for_practice(self.practice).filter(patient=patient)
                    .select_related("made_by").order_by("-occurred_at", "-id"))
        page = self.paginate_queryset(attempts)
        audit_record(request=request, practice=self.practice, patient=patient, obj=patient,
                     action=AuditEvent.Action.VIEW_CONTACT_LOG, via="api")
        return self.get_paginated_response(ContactAttemptOutput(page, many=True).data)

    @extend_schema(summary="Log a contact attempt", request=ContactAttemptInput,
                   responses={201: ContactAttemptOutput, 404: NOT_FOUND})
    def post(self, request, practice_slug, patient_id):
        """`occurred_at` defaults to now and cannot be in the future."""
        data = self.validated_body(ContactAttemptInput)
        patient = self.get_object()
        attempt = contact_attempt_log(patient=patient, made_by=request.user, request=request,
                                      via="api", **data)
        return Response(ContactAttemptOutput(attempt).data, status=201)


def _reread(view, patient):
    return view.scoped_queryset(view.practice).get(pk=patient.pk)


def _contact_field(kind):
    return {v: k for k, v in PatientForm.CONTACT_FIELDS.items()}[kind]


class OnePatientView(PracticeAPIView):
    """An endpoint about one patient of the practice (404 for another practice's)."""

    lookup_url_kwarg = "patient_id"

    def scoped_queryset(self, practice):
        return Patient.objects.for_practice(practice)


class OfOnePatientView(PracticeAPIView):
    """An endpoint about one row (`model`) of one patient, both of this practice."""

    model = None

    def scoped_queryset(self, practice):
        return self.model.objects.for_practice(practice).filter(
            patient_id=self.kwargs["patient_id"]).select_related("patient__practice")


class PatientMergeView(OnePatientView):

    @extend_schema(summary="Merge a duplicate record into this one", request=MergeInput,
                   responses={200: MergeOutput, 404: NOT_FOUND, 409: ErrorOutput})
    def post(self, request, practice_slug, patient_id):
        """The duplicate's contact points, contact log, identity checks, insurance, work items,
        portal links (and rows of other apps that registered) move to this record; the
        duplicate stays, marked `merged_into`. Its portal account moves too, unless this
        record has one: then the duplicate's is switched off (no sign-in, sessions ended,
        links revoked), said in `outcomes`. 409 when either record was already merged."""
        data = self.validated_body(MergeInput)
        kept = self.get_object()
        merged = self.scoped_queryset(self.practice).filter(pk=data["merged"]).first()
        if merged is None:
            raise serializers.ValidationError({"merged": ["No such patient in this practice."]})
        try:
            record = patient_merge(kept=kept, merged=merged, actor=request.user,
                                   reason=data["reason"], via="api", request=request)
        except MergeRefused as error:
            raise Conflict(str(error)) from None
        return Response(MergeOutput(record).data)


class ContactPointsView(OnePatientView):

    @extend_schema(summary="Add an email or phone", request=ContactPointInput,
                   responses={201: ContactPointOutput, 404: NOT_FOUND})
    def post(self, request, practice_slug, patient_id):
        """Phones are parsed with the practice's region and stored in E.164; emails in
        lower case, with a check for obvious domain typos. New points are unverified."""
        data = self.validated_body(ContactPointInput)
        patient = self.get_object()
        value = _contact_value(data["kind"], data["value"], self.practice)
        if patient.contact_points.filter(kind=data["kind"], value=value).exists():
            raise serializers.ValidationError({"value": ["The patient already has this one."]})
        point = contact_point_add(patient=patient, kind=data["kind"], value=value,
                                  is_primary=data["is_primary"], actor=request.user,
                                  request=request)
        return Response(ContactPointOutput(point).data, status=201)


def _contact_value(kind, raw, practice):
    try:
        if kind == ContactPoint.Kind.EMAIL:
            return email_normalise(raw)
        return phone_normalise(raw, region=practice.phone_region)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"value": error.messages}) from None


class ContactPointDetailView(OfOnePatientView):
    lookup_url_kwarg = "point_id"
    model = ContactPoint

    @extend_schema(summary="Remove an email or phone", responses={204: None, 404: NOT_FOUND})
    def delete(self, request, practice_slug, patient_id, point_id):
        """Kept in the record's history."""
        contact_point_remove(point=self.get_object(), actor=request.user, request=request)
        return Response(status=204)


class InsuranceListView(OnePatientView):

    @extend_schema(summary="Add coverage", request=InsuranceInput,
                   responses={201: InsuranceOutput, 404: NOT_FOUND})
    def post(self, request, practice_slug, patient_id):
        """`verified: true` records that you verified it with the payer now."""
        data = self.validated_body(InsuranceInput)
        patient = self.get_object()
        form = _checked_by_form(InsuranceForm(_prefixed(
            {"subscriber_relationship": Insurance.Relationship.SELF, **data})))
        if not form.has_coverage:
            raise serializers.ValidationError({"payer": ["Enter the insurance company."]})
        insurance = insurance_save(patient=patient, data=form.insurance_data(),
                                   verified=form.cleaned_data["verified"], actor=request.user,
                                   via="api", request=request)
        return Response(InsuranceOutput(insurance).data, status=201)


class InsuranceDetailView(OfOnePatientView):
    lookup_url_kwarg = "insurance_id"
    model = Insurance

    @extend_schema(summary="Correct or verify coverage", request=InsuranceInput,
                   responses={200: InsuranceOutput, 404: NOT_FOUND})
    def patch(self, request, practice_slug, patient_id, insurance_id):
        """Changing payer or member id clears an earlier verification."""
        data = self.validated_body(InsuranceInput)
        insurance = self.get_object()
        current = {name: getattr(insurance, name) for name in InsuranceForm.Meta.fields}
        form = _checked_by_form(InsuranceForm(_prefixed({**current, **data}), instance=insurance))
        insurance = insurance_save(patient=insurance.patient, insurance=insurance,
                                   data=form.insurance_data(),
                                   verified=form.cleaned_data["verified"], actor=request.user,
                                   via="api", request=request)
        return Response(InsuranceOutput(insurance).data)


def _prefixed(data):
    return {f"insurance-{k}": ("on" if v is True else "" if v is False else v)
            for k, v in data.items()}
