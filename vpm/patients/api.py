"""API: patients of a practice and their contact log. Every read is audited."""


from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from vpm.api import (
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

from .forms import CLOCK_SKEW, CONTACT_LOG_MAX_PAST
from .models import Channel, ContactAttempt, ContactPoint, Patient
from .selectors import patient_search
from .services import contact_attempt_log

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


class PatientDetailOutput(PatientListOutput):
    preferred_language = serializers.CharField()
    preferred_channel = serializers.CharField()
    address = serializers.CharField()
    has_portal_account = serializers.SerializerMethodField()
    contact_points = ContactPointOutput(many=True)
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
                              help_text="Words to match against name starts or the exact MRN.")


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


class PatientDetailView(PracticeAPIView):
    lookup_url_kwarg = "patient_id"

    def scoped_queryset(self, practice):
        points = ContactPoint.objects.order_by("-is_primary", "kind", "created_at", "id")
        return Patient.objects.for_practice(practice).prefetch_related(
            Prefetch("contact_points", queryset=points))

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
        attempt = contact_attempt_log(patient=patient, made_by=request.user, **data)
        return Response(ContactAttemptOutput(attempt).data, status=201)
