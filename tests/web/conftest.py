"""Fixtures for the HTML pages: every URL of a practice, and objects of a
second practice to try under the first practice's URLs."""

import pytest
from django.urls import reverse

from tests.factories import PatientFactory, WorkItemFactory


@pytest.fixture
def foreign_patient(other_practice):
    return PatientFactory(practice=other_practice, first_name="Felix", last_name="Foreign")


@pytest.fixture
def foreign_item(other_practice, foreign_patient):
    return WorkItemFactory(practice=other_practice, patient=foreign_patient,
                           title="Foreign callback")


@pytest.fixture
def staff_pages(practice, patient, work_item):
    """Every staff GET page of `practice`."""
    slug = practice.slug
    return [
        reverse("staff_home", args=[slug]),
        reverse("patient_list", args=[slug]),
        reverse("patient_detail", args=[slug, patient.pk]),
        reverse("outbox", args=[slug]),
        # Registration: add, edit, insurance, merge.
        reverse("patient_register", args=[slug]),
        *[reverse(name, args=[slug, patient.pk])
          for name in ("patient_edit", "insurance_edit", "patient_merge")],
        *queue_pages(practice, work_item),
    ]


def queue_pages(practice, work_item):
    """The queue's staff GET pages (queue engineer)."""
    slug = practice.slug
    return [reverse("queue_poll", args=[slug]),
            reverse("work_item_panel", args=[slug, work_item.pk]),
            reverse("staff_home", args=[slug]) + "?view=closed"]


@pytest.fixture
def staff_actions(practice, patient, work_item):
    """Every staff POST endpoint of `practice`."""
    slug = practice.slug
    item_actions = ["claim", "release", "assign", "snooze", "close", "take_over", "wait",
                    "resume"]
    return [
        reverse("contact_attempt_create", args=[slug, patient.pk]),
        reverse("identity_check_create", args=[slug, patient.pk]),
        reverse("patient_register", args=[slug]),
        *[reverse(name, args=[slug, patient.pk])
          for name in ("patient_edit", "insurance_edit", "patient_merge")],
        *[reverse(f"work_item_{action}", args=[slug, work_item.pk]) for action in item_actions],
        *[reverse(f"portal_staff_{action}", args=[slug, patient.pk])
          for action in ("invite", "revoke", "unlock", "status_link")],
        reverse("queue_my_availability", args=[slug]),
        reverse("queue_notices_read", args=[slug]),
    ]


@pytest.fixture
def manager_urls(practice, manager):
    slug = practice.slug
    membership = manager.memberships.get().pk
    return [reverse("team", args=[slug]),
            *[reverse(name, args=[slug, membership])
              for name in ("membership_change", "membership_remove", "membership_restore")],
            *queue_manager_urls(practice, membership)]


def queue_manager_urls(practice, membership):
    """The queue's manager pages (queue engineer): team view, targets, closed days."""
    from datetime import date

    from vpm.practices.models import ClosedDay

    slug = practice.slug
    day = ClosedDay.objects.create(practice=practice, date=date(2030, 12, 25))
    return [reverse("queue_teams", args=[slug]), reverse("queue_bulk_reassign", args=[slug]),
            reverse("queue_team_auto_assign", args=[slug, "registration"]),
            reverse("queue_person", args=[slug, membership]),
            reverse("queue_settings", args=[slug]), reverse("queue_closed_days", args=[slug]),
            reverse("queue_closed_day_delete", args=[slug, day.pk])]


@pytest.fixture
def every_practice_url(practice, staff_pages, staff_actions, manager_urls):
    portal = reverse("portal_home", args=[practice.slug])
    return [*staff_pages, *staff_actions, *manager_urls, portal]
