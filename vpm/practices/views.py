from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vpm.patients.models import Patient

from .access import manager_required
from .forms import AcceptInvitationForm, InvitationForm, MembershipForm
from .models import Invitation, Membership, Role, Team
from .services import (
    InvitationError,
    address_belongs_to_a_patient,
    invitation_cancel,
    invitation_create,
    invitation_resend,
    membership_deactivate,
    membership_reactivate,
    membership_update,
)
from .services import invitation_accept as accept


@login_required
def home(request):
    """Send each person to where they work; list the choices if there are several."""
    memberships = list(request.user.memberships.filter(is_active=True).select_related("practice"))
    patient_records = list(Patient.objects.filter(user=request.user).select_related("practice"))
    places = [("staff_home", m.practice) for m in memberships] + \
             [("portal_home", p.practice) for p in patient_records]
    if len(places) == 1:
        url_name, practice = places[0]
        return redirect(url_name, practice_slug=practice.slug)
    return render(request, "practices/choose.html", {"places": places})


def _render_team(request, form, *, member_errors=None, patient_address="", status=200):
    member_errors = member_errors or {}
    people = list(Membership.objects.filter(practice=request.practice).select_related("user")
                  .order_by("user__name", "user__email"))
    for member in people:
        member.error = member_errors.get(member.pk)
    members = [member for member in people if member.is_active]
    former = [member for member in people if not member.is_active]
    pending = Invitation.objects.filter(practice=request.practice, accepted_at__isnull=True) \
        .order_by("-created_at")
    return render(request, "practices/team.html",
                  {"form": form, "members": members, "former": former, "pending": pending,
                   "role_choices": Role.choices, "team_choices": Team.choices,
                   "patient_address": patient_address},
                  status=status)


@manager_required
def team(request, practice_slug):
    practice = request.practice
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not request.POST.get("confirm_patient") and \
                address_belongs_to_a_patient(practice=practice, email=email):
            return _render_team(request, form, patient_address=email, status=409)
        try:
            invitation_create(practice=practice, invited_by=request.user,
                              base_url=request.build_absolute_uri("/")[:-1], **form.cleaned_data)
        except InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("team", practice_slug=practice.slug)
    return _render_team(request, form, status=400 if form.errors else 200)


@manager_required
@require_POST
def membership_change(request, practice_slug, membership_id):
    membership = get_object_or_404(Membership.objects.select_related("user"),
                                   practice=request.practice, pk=membership_id)
    form = MembershipForm(request.POST, instance=Membership(practice=request.practice))
    if not form.is_valid():
        error = "Choose a role and a team from the lists."
    else:
        try:
            membership_update(membership=membership, changed_by=request.user,
                              role=form.cleaned_data["role"], team=form.cleaned_data["team"])
        except InvitationError as refusal:
            error = str(refusal)
        else:
            messages.success(request, f"Updated {membership.user.display_name}.")
            if membership.user_id == request.user.pk and not membership.is_manager:
                return redirect("staff_home", practice_slug=practice_slug)  # team page is 403 now
            return redirect("team", practice_slug=practice_slug)
    # Re-show the team page with the reason next to that person's row.
    return _render_team(request, InvitationForm(), member_errors={membership.pk: error},
                        status=400)


@manager_required
@require_POST
def membership_remove(request, practice_slug, membership_id):
    membership = get_object_or_404(Membership.objects.select_related("user"),
                                   practice=request.practice, pk=membership_id, is_active=True)
    try:
        released = membership_deactivate(membership=membership, removed_by=request.user)
    except InvitationError as refusal:
        return _render_team(request, InvitationForm(), member_errors={membership.pk: str(refusal)},
                            status=400)
    name = membership.user.display_name
    messages.success(request, f"{name} no longer has access to {request.practice.name}"
                              + (f"; {released} of their items went back to the queue."
                                 if released else "."))
    if membership.user_id == request.user.pk:
        return redirect("home")
    return redirect("team", practice_slug=practice_slug)


@manager_required
@require_POST
def invitation_cancel_view(request, practice_slug, invitation_id):
    invitation = get_object_or_404(Invitation, practice=request.practice, pk=invitation_id)
    if invitation_cancel(invitation=invitation):
        messages.success(request, f"Cancelled the invitation to {invitation.email}; "
                                  "its link no longer works.")
    else:
        messages.error(request, f"{invitation.email} had already accepted.")
    return redirect("team", practice_slug=practice_slug)


@manager_required
@require_POST
def invitation_resend_view(request, practice_slug, invitation_id):
    invitation = get_object_or_404(Invitation, practice=request.practice, pk=invitation_id,
                                   accepted_at__isnull=True)
    invitation = invitation_resend(invitation=invitation, resent_by=request.user,
                                   base_url=request.build_absolute_uri("/")[:-1])
    messages.success(request, f"Sent the invitation to {invitation.email} again; it now "
                              f"expires {invitation.expires_at:%b %-d}.")
    return redirect("team", practice_slug=practice_slug)


@manager_required
@require_POST
def membership_restore(request, practice_slug, membership_id):
    membership = get_object_or_404(Membership.objects.select_related("user"),
                                   practice=request.practice, pk=membership_id, is_active=False)
    membership_reactivate(membership=membership)
    messages.success(request, f"{membership.user.display_name} has access again.")
    return redirect("team", practice_slug=practice_slug)


def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("practice"), token=token)
    if not invitation.is_usable:
        return render(request, "practices/accept.html",
                      {"invitation": invitation, "unusable": True}, status=400)
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation)
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        # Someone with this email already has an account: they must sign in
        # with it, or the link alone would open their account.
        return render(request, "practices/accept.html",
                      {"invitation": invitation, "must_sign_in": True})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = accept(invitation=invitation, **form.cleaned_data)
        except InvitationError as error:  # used or taken a moment ago, in another tab
            form.add_error(None, str(error))
        else:
            login(request, membership.user, backend="vpm.accounts.backends.ModelBackend")
            # Choosing the password a moment ago is as fresh as re-typing it:
            # enrolment (which allauth guards with a re-authentication) follows at once.
            record_authentication(request, membership.user, "password", reauthenticated=True)
            return redirect("mfa_activate_totp")
    return render(request, "practices/accept.html", {"invitation": invitation, "form": form},
                  status=400 if form.errors else 200)


def _accept_signed_in(request, invitation):
    if request.user.email.lower() != invitation.email:
        return render(request, "practices/accept.html",
                      {"invitation": invitation, "wrong_account": True}, status=403)
    if request.method != "POST":
        return render(request, "practices/accept.html", {"invitation": invitation})
    try:
        membership = accept(invitation=invitation, user=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
        return render(request, "practices/accept.html", {"invitation": invitation}, status=400)
    return redirect("staff_home", practice_slug=membership.practice.slug)
