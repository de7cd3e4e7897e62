"""The portal's own status-home entries: contact details and open work items.

Registered in PortalConfig.ready like any workflow app's providers. Patients
never see staff titles or notes: each work item kind has its own plain text.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vpm.patients.models import ContactPoint
from vpm.queue.models import Status, WorkItem

from .registry import DOING, NEEDS_YOU, StatusEntry
from .selectors import main_contact_points, phone_display

TEAM_NAMES = {
    "registration": gettext_lazy("Front desk team"),
    "triage": gettext_lazy("Messages team"),
    "telehealth": gettext_lazy("Video visit team"),
    "documents": gettext_lazy("Documents team"),
    "records": gettext_lazy("Records team"),
    "post_visit": gettext_lazy("After-visit team"),
}

# kind: (what it is, what happens next), in words a patient can read.
KIND_TEXTS = {
    "unverified_channel": (gettext_lazy("We need to check how to reach you"),
                           gettext_lazy("We may call you to check your phone or email.")),
    "delivery_failed": (gettext_lazy("A message to you did not arrive"),
                        gettext_lazy("We will try to reach you in another way.")),
    "insurance_unverified": (gettext_lazy("We are checking your insurance"),
                             gettext_lazy("We will call you if we need more from you.")),
    "intake_incomplete": (gettext_lazy("Your forms for the visit are not done"),
                          gettext_lazy("We will send you a reminder to finish them.")),
    "intake_review": (gettext_lazy("We are reading your forms"),
                      gettext_lazy("We will tell you if something is missing.")),
    "portal_message": (gettext_lazy("We are reading your message"),
                       gettext_lazy("We will answer you here.")),
    "telehealth_not_ready": (gettext_lazy("We are getting your video visit ready"),
                             gettext_lazy("We may call you to help you test your phone.")),
    "cannot_connect": (gettext_lazy("You could not join your video visit"),
                       gettext_lazy("We will call you to help.")),
    "post_visit_task": (gettext_lazy("We are doing the next steps after your visit"),
                        gettext_lazy("We will tell you when they are done.")),
    "records_request": (gettext_lazy("We are working on your records"),
                        gettext_lazy("We will send them to you when they are ready.")),
    "callback": (gettext_lazy("We will call you back"),
                 gettext_lazy("Keep your phone close by.")),
}
OTHER_KIND = (gettext_lazy("We are working on something for you"),
              gettext_lazy("We will tell you when it is done."))


def contact_details(*, practice, patient):
    change_url = reverse("portal_contact", args=[practice.slug])
    for point in main_contact_points(practice=practice, patient=patient).values():
        is_phone = point.kind == ContactPoint.Kind.PHONE
        shown = phone_display(point.value) if is_phone else point.value
        if point.is_verified:
            yield StatusEntry(
                section=DOING,
                title=(_("Your mobile number: %(value)s") if is_phone
                       else _("Your email: %(value)s")) % {"value": shown},
                next_step=_("You showed us it is yours. We use it to reach you."),
                action_url=change_url, action_label=_("Change your details"), sort_key=(2,))
        else:
            yield StatusEntry(
                section=NEEDS_YOU,
                title=(_("Check your mobile number: %(value)s") if is_phone
                       else _("Check your email: %(value)s")) % {"value": shown},
                next_step=_("We will send you a code. Type it in to show it is yours."),
                team=str(TEAM_NAMES["registration"]),
                action_url=change_url, action_label=_("Check it now"), sort_key=(1,))


def open_work(*, practice, patient):
    items = WorkItem.objects.for_practice(practice).active().filter(patient=patient) \
        .order_by("due_at", "id")
    for item in items:
        title, next_step = KIND_TEXTS.get(item.kind, OTHER_KIND)
        waiting = item.status == Status.WAITING  # the queue's clock is paused for the patient
        yield StatusEntry(
            section=NEEDS_YOU if waiting else DOING,
            title=str(title),
            next_step=_("We are waiting for your answer. Please call us or reply to our "
                        "message.") if waiting else str(next_step),
            team=str(TEAM_NAMES.get(item.team, "")),
            due_by=None if waiting else item.due_at, sort_key=(3, item.pk))
