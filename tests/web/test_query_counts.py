"""Every list page runs a fixed number of queries, whatever the number of rows.

Each page is measured with 5 rows and with more rows than a page (60) under
the same bound: an N+1 added later makes the 60-row case fail.
"""

import pytest
from django.urls import reverse

from tests.factories import (
    ContactAttemptFactory,
    ContactPointFactory,
    PatientFactory,
    UserFactory,
    WorkItemFactory,
)
from vpm.patients.models import IdentityCheck
from vpm.patients.selectors import CONTACT_LOG_PAGE_SIZE
from vpm.queue.models import Status

from .helpers import outbound_message

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("rows", [5, 60])]

# Session, user, MFA check (2), practice and membership: 6 before the view's own work.
# + the page of items, its count, the counts, the version, the staff list, audit insert
STAFF_HOME_QUERIES = 12
PATIENT_LIST_QUERIES = 9  # + count, page, audit insert
PATIENT_PAGE_QUERIES = 15 + 5 + 1  # + patient, 3 prefetches, audit insert, open items, log count +
# page, history (+ 5: the portal panel: account, state, open links, failed checks, contact checks)
# (+ 1: the visits section, scheduling)
OUTBOX_QUERIES = 9  # + count, page, audit insert


def _get_within(client, url, budget, assert_max):
    with assert_max(budget):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_staff_home_queries_do_not_grow(as_user, practice, staff, rows,
                                        django_assert_max_num_queries):
    for patient in PatientFactory.create_batch(rows, practice=practice):
        WorkItemFactory(practice=practice, patient=patient, status=Status.CLAIMED, owner=staff)
        WorkItemFactory(practice=practice, patient=patient)
    response = _get_within(as_user(staff), reverse("staff_home", args=[practice.slug]),
                           STAFF_HOME_QUERIES, django_assert_max_num_queries)
    assert len(response.context["items"]) == min(2 * rows, 50)
    assert response.context["counts"].mine == rows


def test_patient_list_queries_do_not_grow(as_user, practice, staff, rows,
                                          django_assert_max_num_queries):
    PatientFactory.create_batch(rows, practice=practice)
    response = _get_within(as_user(staff), reverse("patient_list", args=[practice.slug]),
                           PATIENT_LIST_QUERIES, django_assert_max_num_queries)
    assert len(response.context["page"]) == min(rows, 50)


def test_patient_page_queries_do_not_grow(as_user, practice, staff, patient, rows,
                                          django_assert_max_num_queries):
    # Given a patient with many contact attempts by many people, and more of everything
    for author in UserFactory.create_batch(rows, password=None):  # no hashing: fast
        ContactAttemptFactory(patient=patient, made_by=author)
        ContactPointFactory(patient=patient)
        IdentityCheck.objects.create(practice=practice, patient=patient, checked_by=author,
                                     first_identifier="full_name", second_identifier="mrn",
                                     channel="phone", passed=True)
        WorkItemFactory(practice=practice, patient=patient, status=Status.CLAIMED, owner=author)
    url = reverse("patient_detail", args=[practice.slug, patient.pk])
    response = _get_within(as_user(staff), url, PATIENT_PAGE_QUERIES,
                           django_assert_max_num_queries)
    assert response.text.count("<tr><td>") == min(rows, CONTACT_LOG_PAGE_SIZE)


def test_outbox_queries_do_not_grow(as_user, practice, staff, rows,
                                    django_assert_max_num_queries):
    for n, patient in enumerate(PatientFactory.create_batch(rows, practice=practice)):
        outbound_message(patient, n)
    response = _get_within(as_user(staff), reverse("outbox", args=[practice.slug]),
                           OUTBOX_QUERIES, django_assert_max_num_queries)
    assert len(response.context["page"]) == min(rows, 50)
