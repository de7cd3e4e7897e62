from django.contrib import admin

from .models import Invitation, Membership, Practice


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "practice", "role", "created_at", "accepted_at"]
    list_select_related = ["practice"]
    readonly_fields = ["token"]


# Operators only: the admin shows every practice's data, so staff flags are not enough.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
