"""API: the practices the signed-in user works in."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from vpm.api import BaseAPIView, QueryInput

from .models import Membership


class MyPracticeOutput(serializers.Serializer):
    slug = serializers.CharField(source="practice.slug",
                                 help_text="Use it in every practice URL: /api/v1/p/<slug>/...")
    name = serializers.CharField(source="practice.name")
    timezone = serializers.CharField(source="practice.timezone")
    role = serializers.ChoiceField(choices=Membership._meta.get_field("role").choices)
    team = serializers.CharField(help_text="Empty when the member is on no particular team.")


class MyPracticeListView(BaseAPIView):
    """Not practice-scoped: it lists the user's own active staff memberships."""

    def get_queryset(self):
        return (Membership.objects.filter(user=self.request.user, is_active=True)
                .select_related("practice").order_by("practice__name", "practice_id"))

    @extend_schema(summary="Practices I work in, with my role and team",
                   responses=MyPracticeOutput(many=True))
    def get(self, request):
        """Active staff memberships only; a patient's portal account lists none."""
        self.validated_query(QueryInput)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MyPracticeOutput(page, many=True).data)
