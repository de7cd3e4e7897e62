"""API: visit types, templates and exceptions, slot search, appointments (book,
reschedule, cancel, attendance) and the waitlist. Every change calls one service;
a refusal is a 400 naming the field, a time just taken a 409 with the next free slots."""

from datetime import timedelta

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from vpm.api import (
    ErrorOutput,
    PracticeAPIView,
    QueryInput,
    StrictCharField,
    StrictInput,
    choice_field,
)
from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.patients.models import Patient
from vpm.validators import BoundedDateSerializerField, BoundedDateTimeSerializerField

from . import selectors, services, waitlist
from .models import (
    Appointment,
    AppointmentStatus,
    Modality,
    ReasonCode,
    TemplateBlock,
    TemplateException,
    VisitType,
    WaitlistEntry,
    Weekday,
)

MAX_ID = 2**63 - 1
AHEAD = timedelta(days=400)
NOT_FOUND = OpenApiResponse(ErrorOutput, description="Not found in this practice.")


class SlotTakenOutput(serializers.Serializer):
    detail = serializers.CharField()
    next_slots = serializers.ListField(child=serializers.DictField())


def _refusal(error):
    if isinstance(error, services.SlotTaken):
        return Response({"detail": str(error),
                         "next_slots": SlotOutput(error.next_slots, many=True).data},
                        status=status.HTTP_409_CONFLICT)
    raise exceptions.ValidationError({error.field or "non_field_errors": [str(error)]})


class ManagerWrites:
    """GET for staff, writes for managers only."""

    def check_practice_role(self, access):
        super().check_practice_role(access)
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and not access.is_manager:
            raise exceptions.PermissionDenied("Only a practice manager can change this.")


def _in_practice(queryset, practice, pk, field):
    obj = queryset.for_practice(practice).filter(pk=pk).first()
    if obj is None:
        raise serializers.ValidationError({field: ["Not found in this practice."]})
    return obj


# --- Visit types -------------------------------------------------------------------

class VisitTypeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    buffer_minutes = serializers.IntegerField()
    modality = serializers.ChoiceField(choices=Modality.choices)
    booking = serializers.ChoiceField(choices=VisitType.Booking.choices)
    patient_status = serializers.ChoiceField(choices=VisitType.PatientStatus.choices)
    min_age_years = serializers.IntegerField(allow_null=True)
    max_age_years = serializers.IntegerField(allow_null=True)
    intake_forms = serializers.ListField(child=serializers.CharField())
    required_documents = serializers.ListField(child=serializers.CharField())
    instructions = serializers.CharField()
    is_active = serializers.BooleanField()


class VisitTypeInput(StrictInput):
    name = StrictCharField(max_length=100)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480)
    buffer_minutes = serializers.IntegerField(min_value=0, max_value=120, default=0)
    modality = choice_field(Modality.choices)
    booking = choice_field(VisitType.Booking.choices, default="patient")
    patient_status = choice_field(VisitType.PatientStatus.choices, default="any")
    min_age_years = serializers.IntegerField(min_value=0, max_value=130, required=False,
                                             allow_null=True)
    max_age_years = serializers.IntegerField(min_value=0, max_value=130, required=False,
                                             allow_null=True)
    intake_forms = serializers.ListField(child=StrictCharField(max_length=100), max_length=20,
                                         default=list)
    required_documents = serializers.ListField(child=StrictCharField(max_length=100),
                                               max_length=20, default=list)
    instructions = StrictCharField(max_length=1000, allow_blank=True, default="")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        low, high = attrs.get("min_age_years"), attrs.get("max_age_years")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_age_years": ["Must be at least min_age_years."]})
        if VisitType.objects.for_practice(self.context["practice"]).filter(
                name=attrs["name"]).exists():
            raise serializers.ValidationError({"name": ["A visit type with this name exists."]})
        return attrs


class VisitTypeListView(ManagerWrites, PracticeAPIView):
    def scoped_queryset(self, practice):
        return VisitType.objects.for_practice(practice).order_by("name", "id")

    @extend_schema(summary="Visit types", responses=VisitTypeOutput(many=True))
    def get(self, request, practice_slug):
        self.validated_query(QueryInput)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(VisitTypeOutput(page, many=True).data)

    @extend_schema(summary="Add a visit type (managers)", request=VisitTypeInput,
                   responses={201: VisitTypeOutput})
    def post(self, request, practice_slug):
        data = self.validated_body(VisitTypeInput, practice=self.practice)
        visit_type = VisitType.objects.create(practice=self.practice, **data)
        return Response(VisitTypeOutput(visit_type).data, status=status.HTTP_201_CREATED)


# --- Templates and exceptions ------------------------------------------------------

class TemplateBlockOutput(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.IntegerField(source="provider_id")
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    modality = serializers.ChoiceField(choices=Modality.choices)
    visit_types = serializers.SerializerMethodField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)

    def get_visit_types(self, block) -> list[int]:
        return sorted(t.pk for t in block.visit_types.all())


class TemplateBlockInput(StrictInput):
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                        help_text="Membership id of a provider.")
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    start_time = serializers.TimeField(help_text="Wall-clock time in the practice's zone.")
    end_time = serializers.TimeField()
    modality = choice_field(Modality.choices)
    visit_types = serializers.ListField(child=serializers.IntegerField(min_value=1,
                                                                       max_value=MAX_ID),
                                        max_length=50)
    valid_from = BoundedDateSerializerField(max_past=AHEAD * 5, max_future=AHEAD)
    valid_until = BoundedDateSerializerField(max_past=AHEAD * 5, max_future=AHEAD * 3,
                                             required=False, allow_null=True)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        practice = self.context["practice"]
        if attrs["end_time"] <= attrs["start_time"]:
            raise serializers.ValidationError({"end_time": ["Must be after start_time."]})
        if attrs.get("valid_until") and attrs["valid_until"] < attrs["valid_from"]:
            raise serializers.ValidationError({"valid_until": ["Must be on or after valid_from."]})
        provider = selectors.providers_for(practice).filter(pk=attrs["provider"]).first()
        if provider is None:
            raise serializers.ValidationError({"provider": ["Not a provider of this practice."]})
        attrs["provider"] = provider
        types = list(VisitType.objects.for_practice(practice).filter(pk__in=attrs["visit_types"]))
        if len(types) != len(set(attrs["visit_types"])):
            raise serializers.ValidationError({"visit_types": ["Unknown visit type ids."]})
        attrs["visit_types"] = types
        return attrs


class TemplateBlockListView(ManagerWrites, PracticeAPIView):
    def scoped_queryset(self, practice):
        return (TemplateBlock.objects.for_practice(practice).prefetch_related("visit_types")
                .order_by("provider_id", "weekday", "start_time", "id"))

    @extend_schema(summary="Template blocks (weekly availability)",
                   responses=TemplateBlockOutput(many=True))
    def get(self, request, practice_slug):
        self.validated_query(QueryInput)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TemplateBlockOutput(page, many=True).data)

    @extend_schema(summary="Add a template block (managers)", request=TemplateBlockInput,
                   responses={201: TemplateBlockOutput})
    def post(self, request, practice_slug):
        data = self.validated_body(TemplateBlockInput, practice=self.practice)
        types = data.pop("visit_types")
        block = TemplateBlock.objects.create(practice=self.practice, **data)
        block.visit_types.set(types)
        return Response(TemplateBlockOutput(block).data, status=status.HTTP_201_CREATED)


class TemplateBlockDetailView(ManagerWrites, PracticeAPIView):
    lookup_url_kwarg = "block_id"

    def scoped_queryset(self, practice):
        return TemplateBlock.objects.for_practice(practice).prefetch_related("visit_types")

    @extend_schema(summary="One template block", responses={200: TemplateBlockOutput,
                                                            404: NOT_FOUND})
    def get(self, request, practice_slug, block_id):
        return Response(TemplateBlockOutput(self.get_object()).data)

    @extend_schema(summary="Remove a template block (managers)", request=None,
                   responses={204: None, 404: NOT_FOUND})
    def delete(self, request, practice_slug, block_id):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateExceptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.IntegerField(source="provider_id")
    kind = serializers.ChoiceField(choices=TemplateException.Kind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    modality = serializers.CharField()
    visit_types = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_visit_types(self, exception) -> list[int]:
        return sorted(t.pk for t in exception.visit_types.all())


class TemplateExceptionInput(StrictInput):
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = choice_field(TemplateException.Kind.choices)
    starts_at = BoundedDateTimeSerializerField(max_past=AHEAD, max_future=AHEAD)
    ends_at = BoundedDateTimeSerializerField(max_past=AHEAD, max_future=AHEAD)
    modality = choice_field(Modality.choices, required=False, allow_blank=True, default="")
    visit_types = serializers.ListField(child=serializers.IntegerField(min_value=1,
                                                                       max_value=MAX_ID),
                                        max_length=50, default=list)
    note = StrictCharField(max_length=200, allow_blank=True, default="")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        practice = self.context["practice"]
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["Must be after starts_at."]})
        if attrs["ends_at"] - attrs["starts_at"] > timedelta(days=92):
            raise serializers.ValidationError({"ends_at": ["At most three months at once."]})
        provider = selectors.providers_for(practice).filter(pk=attrs["provider"]).first()
        if provider is None:
            raise serializers.ValidationError({"provider": ["Not a provider of this practice."]})
        attrs["provider"] = provider
        types = list(VisitType.objects.for_practice(practice).filter(pk__in=attrs["visit_types"]))
        if len(types) != len(set(attrs["visit_types"])):
            raise serializers.ValidationError({"visit_types": ["Unknown visit type ids."]})
        if attrs["kind"] == TemplateException.Kind.EXTRA and not (attrs["modality"] and types):
            raise serializers.ValidationError(
                {"modality": ["An extra session needs a modality and visit_types."]})
        attrs["visit_types"] = types
        return attrs


class TemplateExceptionListView(ManagerWrites, PracticeAPIView):
    def scoped_queryset(self, practice):
        return (TemplateException.objects.for_practice(practice).prefetch_related("visit_types")
                .order_by("starts_at", "id"))

    @extend_schema(summary="Time off and extra sessions",
                   responses=TemplateExceptionOutput(many=True))
    def get(self, request, practice_slug):
        self.validated_query(QueryInput)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(TemplateExceptionOutput(page, many=True).data)

    @extend_schema(summary="Add time off or an extra session (managers)",
                   request=TemplateExceptionInput, responses={201: TemplateExceptionOutput})
    def post(self, request, practice_slug):
        data = self.validated_body(TemplateExceptionInput, practice=self.practice)
        types = data.pop("visit_types")
        exception = TemplateException.objects.create(practice=self.practice, **data)
        exception.visit_types.set(types)
        return Response(TemplateExceptionOutput(exception).data, status=status.HTTP_201_CREATED)


class TemplateExceptionDetailView(ManagerWrites, PracticeAPIView):
    lookup_url_kwarg = "exception_id"

    def scoped_queryset(self, practice):
        return TemplateException.objects.for_practice(practice)

    @extend_schema(summary="Remove time off or an extra session (managers)", request=None,
                   responses={204: None, 404: NOT_FOUND})
    def delete(self, request, practice_slug, exception_id):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Slot search -------------------------------------------------------------------

class SlotOutput(serializers.Serializer):
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    modality = serializers.CharField()


class SlotQuery(QueryInput):
    visit_type = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    start = BoundedDateSerializerField(max_past=timedelta(days=0), max_future=AHEAD,
                                       required=False, help_text="First day (practice's zone).")
    days = serializers.IntegerField(min_value=1, max_value=selectors.MAX_SEARCH_DAYS, default=28)
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)


class SlotSearchView(PracticeAPIView):
    @extend_schema(summary="Open slots for a visit type", parameters=[SlotQuery],
                   responses=SlotOutput(many=True))
    def get(self, request, practice_slug):
        """Earliest first, for one provider or all; a fixed number of queries."""
        from django.utils import timezone

        query = self.validated_query(SlotQuery)
        practice = self.practice
        visit_type = VisitType.objects.for_practice(practice).filter(
            pk=query["visit_type"], is_active=True).first()
        if visit_type is None:
            raise exceptions.ValidationError({"visit_type": ["No such active visit type."]})
        provider = None
        if "provider" in query:
            provider = selectors.providers_for(practice).filter(pk=query["provider"]).first()
            if provider is None:
                raise exceptions.ValidationError({"provider": ["Not a provider of this practice."]})
        first = query.get("start") or timezone.localdate()
        slots = selectors.slot_search(practice=practice, visit_type=visit_type, provider=provider,
                                      first_day=first, last_day=first + timedelta(days=query["days"] - 1),
                                      limit=query["limit"])
        return Response(SlotOutput(slots, many=True).data)


# --- Appointments ------------------------------------------------------------------

class AppointmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    patient = serializers.UUIDField(source="patient_id")
    provider = serializers.IntegerField(source="provider_id")
    visit_type = serializers.IntegerField(source="visit_type_id")
    modality = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    channel = serializers.CharField()
    booked_via = serializers.CharField()
    sequence = serializers.IntegerField()
    cancel_reason = serializers.CharField(source="cancel_reason.code", allow_null=True,
                                          default=None)
    created_at = serializers.DateTimeField()


class AppointmentListQuery(QueryInput):
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    patient = serializers.UUIDField(required=False)
    status = choice_field(AppointmentStatus.choices, required=False)
    start = BoundedDateTimeSerializerField(required=False, help_text="Starts at or after.")
    end = BoundedDateTimeSerializerField(required=False, help_text="Starts before.")


class BookInput(StrictInput):
    patient = serializers.UUIDField()
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    visit_type = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    starts_at = BoundedDateTimeSerializerField(max_future=AHEAD)
    channel = choice_field(Appointment.Channel.choices, required=False)
    reason_note = StrictCharField(max_length=300, allow_blank=True, default="")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        practice = self.context["practice"]
        attrs["patient"] = _in_practice(Patient.objects, practice, attrs["patient"], "patient")
        provider = selectors.providers_for(practice).filter(pk=attrs["provider"]).first()
        if provider is None:
            raise serializers.ValidationError({"provider": ["Not a provider of this practice."]})
        attrs["provider"] = provider
        attrs["visit_type"] = _in_practice(VisitType.objects, practice, attrs["visit_type"],
                                           "visit_type")
        return attrs


class AppointmentReasonInput(StrictInput):
    reason = StrictCharField(max_length=40, help_text="A reason code of the practice.")
    note = StrictCharField(max_length=300, allow_blank=True, default="")

    def validate_reason(self, value):
        reason = ReasonCode.objects.for_practice(self.context["practice"]).filter(
            code=value, is_active=True).first()
        if reason is None:
            raise serializers.ValidationError("Unknown reason code.")
        return reason


class AppointmentRescheduleInput(AppointmentReasonInput):
    starts_at = BoundedDateTimeSerializerField(max_future=AHEAD)
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "provider" in attrs:
            provider = selectors.providers_for(self.context["practice"]).filter(
                pk=attrs["provider"]).first()
            if provider is None:
                raise serializers.ValidationError({"provider": ["Not a provider of this practice."]})
            attrs["provider"] = provider
        return attrs


ATTENDANCE_OUTCOMES = [("arrived", "Arrived"), ("no_show", "No-show"),
                       ("late_cancel", "Late cancel")]


class AppointmentAttendanceInput(StrictInput):
    outcome = choice_field(ATTENDANCE_OUTCOMES)


CHANGE_RESPONSES = {400: OpenApiResponse(description="Refused: the message names the field."),
                    404: NOT_FOUND,
                    409: OpenApiResponse(SlotTakenOutput, description="That time was just taken.")}


class AppointmentListView(PracticeAPIView):
    def scoped_queryset(self, practice):
        query = self.validated_query(AppointmentListQuery)
        rows = (Appointment.objects.for_practice(practice).select_related("cancel_reason")
                .order_by("starts_at", "id"))
        for name in ("provider", "patient", "status"):
            if name in query:
                rows = rows.filter(**{f"{name}_id" if name != "status" else name: query[name]})
        if "start" in query:
            rows = rows.filter(starts_at__gte=query["start"])
        if "end" in query:
            rows = rows.filter(starts_at__lt=query["end"])
        return rows

    @extend_schema(summary="Appointments", parameters=[AppointmentListQuery],
                   responses=AppointmentOutput(many=True))
    def get(self, request, practice_slug):
        return self.audited_page_response(AppointmentOutput, AuditEvent.Action.LIST_PATIENTS)

    @extend_schema(summary="Book a visit", request=BookInput,
                   responses={201: AppointmentOutput, **CHANGE_RESPONSES})
    def post(self, request, practice_slug):
        data = self.validated_body(BookInput, practice=self.practice)
        try:
            appointment = services.appointment_book(practice=self.practice,
                                                    via=Appointment.Via.API,
                                                    booked_by=request.user, **data)
        except services.SchedulingError as error:
            return _refusal(error)
        return Response(AppointmentOutput(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentView(PracticeAPIView):
    lookup_url_kwarg = "appointment_id"

    def scoped_queryset(self, practice):
        return Appointment.objects.for_practice(practice).select_related(
            "cancel_reason", "patient", "visit_type", "provider")

    def appointment(self):
        appointment = self.get_object()
        audit_record(request=self.request, practice=self.practice, patient=appointment.patient,
                     obj=appointment, action=AuditEvent.Action.VIEW_PATIENT, via="api")
        return appointment

    def change(self, service, input_class, *, input_needs_practice=True, **extra):
        """Read the body, call one appointment service, answer the visit or the refusal."""
        appointment = self.appointment()
        context = {"practice": self.practice} if input_needs_practice else {}
        data = self.validated_body(input_class, **context)
        try:
            appointment = service(practice=self.practice, appointment=appointment,
                                  actor=self.request.user, **extra, **data)
        except services.SchedulingError as error:
            return _refusal(error)
        return Response(AppointmentOutput(appointment).data)


class AppointmentDetailView(AppointmentView):
    @extend_schema(summary="One appointment", responses={200: AppointmentOutput, 404: NOT_FOUND})
    def get(self, request, practice_slug, appointment_id):
        return Response(AppointmentOutput(self.appointment()).data)


class AppointmentRescheduleView(AppointmentView):
    @extend_schema(summary="Move a visit (reason required)", request=AppointmentRescheduleInput,
                   responses={200: AppointmentOutput, **CHANGE_RESPONSES})
    def post(self, request, practice_slug, appointment_id):
        return self.change(services.appointment_reschedule, AppointmentRescheduleInput,
                           via=Appointment.Via.API)


class AppointmentCancelView(AppointmentView):
    @extend_schema(summary="Cancel a visit (reason required)", request=AppointmentReasonInput,
                   responses={200: AppointmentOutput, **CHANGE_RESPONSES})
    def post(self, request, practice_slug, appointment_id):
        return self.change(services.appointment_cancel, AppointmentReasonInput,
                           via=Appointment.Via.API)


class AppointmentAttendanceView(AppointmentView):
    @extend_schema(summary="Record arrived, no-show or late cancel", request=AppointmentAttendanceInput,
                   responses={200: AppointmentOutput, **CHANGE_RESPONSES})
    def post(self, request, practice_slug, appointment_id):
        return self.change(services.appointment_mark_attendance, AppointmentAttendanceInput,
                           input_needs_practice=False)


# --- Waitlist ----------------------------------------------------------------------

class WaitlistEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.UUIDField(source="patient_id")
    visit_type = serializers.IntegerField(source="visit_type_id")
    provider = serializers.IntegerField(source="provider_id", allow_null=True)
    appointment = serializers.UUIDField(source="appointment_id", allow_null=True)
    available_from = serializers.DateField()
    available_until = serializers.DateField()
    status = serializers.ChoiceField(choices=WaitlistEntry.Status.choices)
    created_at = serializers.DateTimeField()
    offers = serializers.SerializerMethodField()

    def get_offers(self, entry) -> list[dict]:
        return [{"id": o.pk, "starts_at": o.starts_at, "provider": o.provider_id,
                 "status": o.status, "expires_at": o.expires_at} for o in entry.offers.all()]


class WaitlistJoinInput(StrictInput):
    patient = serializers.UUIDField()
    visit_type = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    provider = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    appointment = serializers.UUIDField(required=False, help_text="A booked visit to move earlier.")
    available_from = BoundedDateSerializerField(max_past=timedelta(days=0), max_future=AHEAD)
    available_until = BoundedDateSerializerField(max_past=timedelta(days=0), max_future=AHEAD)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        practice = self.context["practice"]
        attrs["patient"] = _in_practice(Patient.objects, practice, attrs["patient"], "patient")
        attrs["visit_type"] = _in_practice(VisitType.objects, practice, attrs["visit_type"],
                                           "visit_type")
        if "provider" in attrs:
            provider = selectors.providers_for(practice).filter(pk=attrs["provider"]).first()
            if provider is None:
                raise serializers.ValidationError({"provider": ["Not a provider of this practice."]})
            attrs["provider"] = provider
        if "appointment" in attrs:
            attrs["appointment"] = _in_practice(Appointment.objects, practice,
                                                attrs["appointment"], "appointment")
        return attrs


class WaitlistListView(PracticeAPIView):
    def scoped_queryset(self, practice):
        self.validated_query(QueryInput)
        return (WaitlistEntry.objects.for_practice(practice)
                .filter(Q(status="active") | Q(offers__isnull=False)).distinct()
                .prefetch_related("offers").order_by("created_at", "id"))

    @extend_schema(summary="The waitlist, with each entry's offers",
                   responses=WaitlistEntryOutput(many=True))
    def get(self, request, practice_slug):
        return self.audited_page_response(WaitlistEntryOutput, AuditEvent.Action.LIST_PATIENTS)

    @extend_schema(summary="Put a patient on the waitlist", request=WaitlistJoinInput,
                   responses={201: WaitlistEntryOutput, 400: OpenApiResponse(
                       description="Refused: the message names the field.")})
    def post(self, request, practice_slug):
        data = self.validated_body(WaitlistJoinInput, practice=self.practice)
        try:
            entry = waitlist.waitlist_join(practice=self.practice, **data)
        except waitlist.WaitlistError as error:
            raise exceptions.ValidationError({error.field or "non_field_errors": [str(error)]}) \
                from None
        return Response(WaitlistEntryOutput(entry).data, status=status.HTTP_201_CREATED)


