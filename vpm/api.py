"""The base every API endpoint stands on.

Practice-scoped endpoints inherit `PracticeAPIView`. The practice comes from
the URL (`/api/v1/p/<practice_slug>/...`) and is re-checked against the
authenticated user's membership on every request, after DRF has authenticated
the session or token (PracticeMiddleware cannot: it runs before token auth,
so it skips /api/). The base owns `get_queryset` and `get_object`: an endpoint
only says which rows it reads, in `scoped_queryset(practice)`, so none can
forget the practice filter, and an id of another practice is a 404 exactly
like a missing one.
"""

import copy
import functools
import json
from contextlib import contextmanager

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, parsers, renderers, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.fields import empty
from rest_framework.generics import GenericAPIView
from rest_framework.metadata import SimpleMetadata
from rest_framework.permissions import IsAuthenticated
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from vpm.accounts.authentication import ApiTokenAuthentication
from vpm.accounts.second_factor import memberships_seen
from vpm.audit.services import audit_record
from vpm.practices.access import PracticeAccess, practice_access_for_user
from vpm.practices.tenancy import TenantScopeError


class Conflict(exceptions.APIException):
    """The change cannot be made in the object's current state (HTTP 409)."""

    status_code = 409
    default_detail = "This change conflicts with the current state; refresh and try again."
    default_code = "conflict"


@contextmanager
def conflict_on(*errors):
    """Answer a domain error (whose message is written for the user) with a 409."""
    try:
        yield
    except errors as error:
        raise Conflict(str(error)) from None


class StrictJSONParser(parsers.JSONParser):
    """JSON that Postgres can store, or a 400.

    A lone UTF-16 surrogate ("\\ud800") is valid JSON but not valid UTF-8: the
    database driver would fail on it with a 500. Deep nesting would overflow
    the parser's recursion limit, also a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise exceptions.ParseError(
                "JSON parse error - the text contains an invalid character (a lone surrogate)."
            ) from None
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the document is nested too deeply.") \
                from None
        return data


def refuse_invalid_utf8(data):
    """Django decodes form and multipart text with "replace": invalid UTF-8
    arrives as U+FFFD and would be stored as mojibake. Refuse it, as the JSON
    parser refuses invalid UTF-8 (a U+FFFD sent on purpose is refused too)."""
    for name, values in data.lists():
        for value in values:
            text = getattr(value, "name", value)  # an uploaded file: its name
            if "\ufffd" in name or (isinstance(text, str) and "\ufffd" in text):
                raise exceptions.ParseError(
                    "The body is not valid UTF-8 text; send the form as UTF-8.")
    return data


class StrictFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return refuse_invalid_utf8(super().parse(stream, media_type, parser_context))


class StrictMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_invalid_utf8(parsed.data)
        refuse_invalid_utf8(parsed.files)
        return parsed


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large (at most 2.5 MB)."
    default_code = "too_large"


def api_exception_handler(exc, context):
    """DRF's handler, plus Django's refusals of oversized requests, as JSON.

    Django raises these while DRF reads the body or the query string; left
    alone they reach Django's HTML 400 page instead of the API's JSON answer.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(
            "Too many fields or query parameters (at most 1,000); send fewer.")
    return drf_exception_handler(exc, context)


class ErrorOutput(serializers.Serializer):
    """The body of every 401, 403, 404 and 409 answer."""

    detail = serializers.CharField()


class PersonOutput(serializers.Serializer):
    """A user as others see them: staff on a work item, the author of a contact attempt."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class StrictInput(serializers.Serializer):
    """Input (a body or query parameters) that refuses names it does not know.

    A misspelt filter or field ("canceled", "stauts") must not be silently
    ignored: that would widen a list or close an item the wrong way.
    """

    # Names DRF or a browser form may add that are not ours to validate.
    tolerated_names = frozenset({"csrfmiddlewaretoken"})

    # Only the first few unknown names are named: a body of 60,000 unknown keys
    # once cost a web worker 6 s and produced a 6 MB answer.
    max_named_unknown = 5

    def validate(self, attrs):
        known = set(self.fields) | self.tolerated_names
        unknown = sorted(set(self.initial_data) - known)
        if unknown:
            allowed = ", ".join(sorted(self.fields)) or "none"
            errors = {name: [f"Unknown name; the names allowed here are: {allowed}."]
                      for name in unknown[:self.max_named_unknown]}
            if len(unknown) > self.max_named_unknown:
                more = len(unknown) - self.max_named_unknown
                errors[api_settings.NON_FIELD_ERRORS_KEY] = [f"And {more:,} more unknown names."]
            raise serializers.ValidationError(errors)
        return attrs


class QueryInput(StrictInput):
    """Query parameters of a list: its filters, plus paging and format."""

    tolerated_names = frozenset({"page", "format"})

    def get_fields(self):
        # DRF deep-copies every declared field for every serializer, rebuilding each
        # choice field's lookup tables: for a list's six filters that cost more than
        # either of the list's queries. A shallow copy is enough: binding (name,
        # parent) writes to the copy, and nothing changes a field's choices or messages.
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


@functools.cache
def _no_parameters(serializer_class) -> dict | None:
    """What a query check gives for no parameters at all: its defaults, the same for
    every request (field checks that read the request only run on a value given),
    or None when a default is computed (a callable), so must be checked each time.
    A required parameter raises ValidationError, which is not kept."""
    serializer = serializer_class(data={})
    if any(field.default is not empty and callable(field.default)
           for field in serializer.fields.values()):
        return None
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF would turn a number sent for a note into "42"."""

    default_error_messages = {"invalid": "Not a valid string; send text."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A choice (values, or Django's (value, label) pairs) whose error lists the valid values."""
    choices = list(choices)
    values = [c[0] if isinstance(c, tuple) else c for c in choices]
    message = '"{input}" is not a valid choice; use one of: ' + ", ".join(map(str, values)) + "."
    return serializers.ChoiceField(choices=choices, error_messages={"invalid_choice": message},
                                   **kwargs)


class APIMetadata(SimpleMetadata):
    """OPTIONS answers without DRF's per-field "actions" block.

    DRF builds that block from a single `serializer_class`; these views have
    separate input and output serializers, which /api/schema/ describes.
    """

    def determine_actions(self, request, view):
        return {}


class BaseAPIView(GenericAPIView):
    """Authentication, content types and the input helpers shared by every endpoint."""

    # Token first, so a request without credentials is answered 401 with a
    # `WWW-Authenticate: Token` header, not a bare 403.
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [StrictJSONParser, StrictFormParser, StrictMultiPartParser]
    # JSON only: the interactive documentation lives at /api/docs/.
    renderer_classes = [renderers.JSONRenderer]
    metadata_class = APIMetadata

    def finalize_response(self, request, response, *args, **kwargs):
        # Nearly every answer carries patient data or is about to: no cache
        # (browser, proxy) may keep any of them, as for the pages.
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def validated_query(self, serializer_class, **context) -> dict:
        return self._validated(serializer_class, self.request.query_params, context)

    def validated_body(self, serializer_class, **context) -> dict:
        return self._validated(serializer_class, self.request.data, context)

    def _validated(self, serializer_class, data, context) -> dict:
        if not data and issubclass(serializer_class, QueryInput):  # a list without filters
            answer = _no_parameters(serializer_class)
            if answer is not None:
                return dict(answer)
        serializer = serializer_class(data=data, context={"request": self.request, **context})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PracticeAPIView(BaseAPIView):
    """Base of every endpoint under /api/v1/p/<practice_slug>/.

    Subclasses implement `scoped_queryset(practice)` and set
    `lookup_url_kwarg` when they read one object. Rows that hang off that
    object (a patient's contact log) are read from the object `get_object`
    returned, still through `for_practice`.
    """

    lookup_url_kwarg = None
    access: PracticeAccess | None = None

    @property
    def practice(self):
        # Fails closed: before the access check has run there is no practice.
        if self.access is None:
            raise TenantScopeError(f"{type(self).__name__} used before its practice was resolved")
        return self.access.practice

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, then permissions, throttles
        access = practice_access_for_user(  # or Http404
            user=request.user, practice_slug=kwargs["practice_slug"],
            memberships=memberships_seen(request._request, request.user))
        self.check_practice_role(access)
        self.access = access

    def check_practice_role(self, access: PracticeAccess) -> None:
        """Who may use practice endpoints: the one role rule of the API.

        A patient of the practice (a portal account without a membership) is
        refused with 403; someone unrelated to the practice never gets here
        (404 from `practice_access_for_user`).
        """
        if not access.is_staff:
            raise exceptions.PermissionDenied("Only the practice's staff can use this endpoint.")

    def scoped_queryset(self, practice):
        raise NotImplementedError(f"{type(self).__name__} must implement scoped_queryset()")

    def get_queryset(self):
        return self.scoped_queryset(self.practice)

    def audited_page_response(self, output_class, action):
        """One page of the list, its reading recorded in the practice's audit log."""
        page = self.paginate_queryset(self.get_queryset())
        audit_record(request=self.request, practice=self.practice, action=action, via="api")
        return self.get_paginated_response(output_class(page, many=True).data)

    def get_object(self):
        queryset = self.get_queryset()
        try:
            return queryset.get(pk=self.kwargs[self.lookup_url_kwarg])
        except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
            # The same answer for "missing" and "another practice's".
            raise exceptions.NotFound() from None


@csrf_exempt  # it changes nothing; without this a POST would get an HTML CSRF 403 instead
def api_not_found(request, *args, **kwargs):
    """Any /api/v1/ path that matches no endpoint (including a malformed id): a JSON 404."""
    detail = "Not found."
    if not request.path.endswith("/"):
        try:
            if resolve(request.path_info + "/").func is not api_not_found:
                detail = "Not found. API paths end with a slash: " + request.path + "/"
        except Resolver404:
            pass
    return JsonResponse({"detail": detail}, status=404)
