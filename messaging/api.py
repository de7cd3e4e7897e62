"""API: message threads, their messages and internal notes, refill requests,
and the practice's triage rules (with a preview). Staff only; each change
calls one service, so the API and the pages behave the same."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
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
from vpm.practices.models import Team

from . import selectors
from .models import (
    MAX_BODY_CHARS,
    TOPIC_CHOICES,
    URGENCY_CHOICES,
    Message,
    RefillRequest,
    Thread,
    TriageRule,
)
from .services import changes, threads, triage_rule_delete, triage_rule_save

REPLY_CHANNELS = [("portal", "Portal"), ("sms", "Text message"), ("email", "Email")]
NOT_FOUND = OpenApiResponse(ErrorOutput, description="No such object in this practice.")


@contextmanager
def bad_input_on_validation_error():
    """A service's refusal (its message is written for the user) is a 400."""
    try:
        yield
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise exceptions.ValidationError(detail) from None


# --- Output ---------------------------------------------------------------

class MessagingPatientOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="full_name")


class ThreadOutput(serializers.Serializer):
    id = serializers.UUIDField()
    patient = MessagingPatientOutput(allow_null=True)
    unknown_sender = serializers.CharField()
    topic = serializers.ChoiceField(choices=TOPIC_CHOICES)
    urgency = serializers.ChoiceField(choices=URGENCY_CHOICES)
    team = serializers.ChoiceField(choices=Team.choices)
    status = serializers.ChoiceField(choices=Thread.Status.choices)
    outcome = serializers.CharField()
    merged_into = serializers.UUIDField(source="merged_into_id", allow_null=True)
    respond_by = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()
    first_response_minutes = serializers.IntegerField(allow_null=True,
                                                      help_text="Business minutes.")
    resolution_minutes = serializers.IntegerField(
        allow_null=True, help_text="Business minutes, without the time waiting on the patient.")


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=Message.Direction.choices)
    channel = serializers.ChoiceField(choices=Message.Channel.choices)
    author = PersonOutput(allow_null=True)
    is_automatic = serializers.BooleanField()
    body = serializers.CharField()
    red_flag_answer = serializers.CharField()
    triage = serializers.JSONField(allow_null=True)
    created_at = serializers.DateTimeField()


class RefillOutput(serializers.Serializer):
    id = serializers.UUIDField()
    thread = serializers.UUIDField(source="thread_id")
    patient = MessagingPatientOutput(allow_null=True)
    medication = serializers.CharField()
    status = serializers.ChoiceField(choices=RefillRequest.Status.choices)
    note_to_patient = serializers.CharField()
    created_at = serializers.DateTimeField()
    status_changed_at = serializers.DateTimeField()


class TriageMatchOutput(serializers.Serializer):
    rule_id = serializers.CharField()
    words = serializers.CharField()
    negated = serializers.BooleanField()


class TriageOutput(serializers.Serializer):
    """What the engine decided and why (docs/triage.md)."""

    urgency = serializers.ChoiceField(choices=URGENCY_CHOICES)
    topic = serializers.ChoiceField(choices=TOPIC_CHOICES)
    team = serializers.ChoiceField(choices=Team.choices)
    response_target = serializers.IntegerField()
    response_target_label = serializers.CharField()
    matched = TriageMatchOutput(many=True)
    urgency_rule = serializers.CharField(allow_null=True)
    topic_rule = serializers.CharField(allow_null=True)
    rules_version = serializers.CharField()
    truncated = serializers.BooleanField()


class RuleOutput(serializers.Serializer):
    rule_id = serializers.CharField()
    definition = serializers.JSONField()
    updated_at = serializers.DateTimeField()


# --- Input ----------------------------------------------------------------

class ThreadListQuery(QueryInput):
    show = choice_field(list(selectors.THREAD_LIST_FILTERS), required=False,
                        help_text="Which threads (default: open).")
    team = choice_field(Team.choices, required=False)


class ReplyInput(StrictInput):
    body = StrictCharField(max_length=MAX_BODY_CHARS)
    channel = choice_field(REPLY_CHANNELS, default="portal")
    wait_for_patient = serializers.BooleanField(default=False)


class NoteInput(StrictInput):
    body = StrictCharField(max_length=MAX_BODY_CHARS)


class RefillStatusInput(StrictInput):
    status = choice_field(RefillRequest.Status.choices)
    note_to_patient = StrictCharField(max_length=300, allow_blank=True, default="")


class RuleInput(StrictInput):
    definition = serializers.JSONField(help_text="A rule in the format of docs/triage.md.")


class PreviewInput(StrictInput):
    text = StrictCharField(max_length=MAX_BODY_CHARS)


# --- Views ----------------------------------------------------------------

class ThreadListView(PracticeAPIView):
    def scoped_queryset(self, practice):
        query = self.validated_query(ThreadListQuery)
        return selectors.thread_list(practice=practice, show=query.get("show", "open"),
                                     team=query.get("team", ""))

    @extend_schema(summary="Message threads: most urgent first, then latest activity",
                   parameters=[ThreadListQuery], responses=ThreadOutput(many=True))
    def get(self, request, practice_slug):
        return self.audited_page_response(ThreadOutput, AuditEvent.Action.VIEW_QUEUE)


class ThreadView(PracticeAPIView):
    lookup_url_kwarg = "thread_id"

    def scoped_queryset(self, practice):
        return Thread.objects.for_practice(practice).select_related("patient")

    def audited_thread(self):
        thread = self.get_object()
        audit_record(request=self.request, practice=self.practice, patient=thread.patient,
                     obj=thread, action=AuditEvent.Action.VIEW_THREAD, via="api")
        return thread


class ThreadDetailView(ThreadView):
    @extend_schema(summary="One thread", responses={200: ThreadOutput, 404: NOT_FOUND})
    def get(self, request, practice_slug, thread_id):
        return Response(ThreadOutput(self.audited_thread()).data)


class ThreadMessagesView(ThreadView):
    @extend_schema(summary="The thread's messages and internal notes, oldest first",
                   responses={200: MessageOutput(many=True), 404: NOT_FOUND})
    def get(self, request, practice_slug, thread_id):
        thread = self.audited_thread()
        return Response(MessageOutput(selectors.messages_for_staff(thread), many=True).data)

    @extend_schema(summary="Reply to the patient (portal, SMS or email)", request=ReplyInput,
                   responses={201: MessageOutput, 400: ErrorOutput, 404: NOT_FOUND})
    def post(self, request, practice_slug, thread_id):
        """Logged as a contact attempt; the first reply stops the first-response clock."""
        data = self.validated_body(ReplyInput)
        thread = self.get_object()
        with bad_input_on_validation_error():
            reply = threads.message_reply(thread=thread, author=request.user, **data)
        return Response(MessageOutput(reply).data, status=201)


class ThreadNotesView(ThreadView):
    @extend_schema(summary="Add an internal note (never shown to the patient)", request=NoteInput,
                   responses={201: MessageOutput, 400: ErrorOutput, 404: NOT_FOUND})
    def post(self, request, practice_slug, thread_id):
        data = self.validated_body(NoteInput)
        thread = self.get_object()
        with bad_input_on_validation_error():
            note = threads.note_add(thread=thread, author=request.user, **data)
        return Response(MessageOutput(note).data, status=201)


class RefillListView(PracticeAPIView):
    def scoped_queryset(self, practice):
        return (RefillRequest.objects.for_practice(practice).select_related("patient")
                .order_by("-created_at", "id"))

    @extend_schema(summary="Refill requests, newest first", responses=RefillOutput(many=True))
    def get(self, request, practice_slug):
        return self.audited_page_response(RefillOutput, AuditEvent.Action.VIEW_MESSAGES)


class RefillStatusView(PracticeAPIView):
    lookup_url_kwarg = "refill_id"

    def scoped_queryset(self, practice):
        return RefillRequest.objects.for_practice(practice).select_related("patient")

    @extend_schema(summary="Move a refill request on (the patient sees the status)",
                   request=RefillStatusInput,
                   responses={200: RefillOutput, 400: ErrorOutput, 404: NOT_FOUND})
    def post(self, request, practice_slug, refill_id):
        data = self.validated_body(RefillStatusInput)
        refill = self.get_object()
        with bad_input_on_validation_error():
            refill = changes.refill_status_set(refill=refill, actor=request.user, **data)
        return Response(RefillOutput(refill).data)


class ManagerAPIView(PracticeAPIView):
    def check_practice_role(self, access):
        super().check_practice_role(access)
        if not access.is_manager:
            raise exceptions.PermissionDenied("Only the practice's managers can change rules.")


class RuleListView(ManagerAPIView):
    def scoped_queryset(self, practice):
        return TriageRule.objects.for_practice(practice).order_by("rule_id")

    @extend_schema(summary="The practice's own triage rules (on top of the shipped ones)",
                   responses=RuleOutput(many=True))
    def get(self, request, practice_slug):
        return Response(RuleOutput(self.get_queryset(), many=True).data)

    @extend_schema(summary="Save a rule (an override of a shipped id, or an addition)",
                   request=RuleInput, responses={201: RuleOutput, 400: ErrorOutput})
    def post(self, request, practice_slug):
        data = self.validated_body(RuleInput)
        with bad_input_on_validation_error():
            rule = triage_rule_save(practice=self.practice, actor=request.user, **data)
        return Response(RuleOutput(rule).data, status=201)


class RuleDetailView(ManagerAPIView):
    @extend_schema(summary="Remove a rule (a shipped rule it replaced applies again)",
                   responses={204: None, 404: NOT_FOUND})
    def delete(self, request, practice_slug, rule_id):
        if not triage_rule_delete(practice=self.practice, rule_id=rule_id):
            raise exceptions.NotFound()
        return Response(status=204)


class RulePreviewView(ManagerAPIView):
    @extend_schema(summary="Run a sample text through the practice's rules",
                   request=PreviewInput, responses={200: TriageOutput, 400: ErrorOutput})
    def post(self, request, practice_slug):
        data = self.validated_body(PreviewInput)
        result = selectors.triage_for_practice(data["text"], self.practice).as_dict()
        return Response(TriageOutput(result).data)
