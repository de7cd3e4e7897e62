"""Finding a patient the way front desks search, within one practice, in fixed queries."""

import pytest
from django.urls import reverse

from tests.factories import ContactPointFactory, PatientFactory
from vpm.patients.selectors import page_in_one_query, patient_search, patient_search_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def lucia(practice):
    lucia = PatientFactory(practice=practice, first_name="Lucía", last_name="Núñez",
                           preferred_name="Lu", date_of_birth="1980-05-17", mrn="A-778")
    ContactPointFactory(patient=lucia, value="+13125550142")
    ContactPointFactory(patient=lucia, kind="email", value="lucia.nunez@example.com")
    return lucia


@pytest.fixture
def others(practice):
    return [PatientFactory(practice=practice, first_name="Luke", last_name="Nash",
                           date_of_birth="1975-01-02"),
            PatientFactory(practice=practice, first_name="Ana", last_name="Nunes",
                           date_of_birth="1990-07-08")]


@pytest.mark.parametrize("query", [
    "Núñez, Lucía", "nunez, lucia", "NUNEZ,LU", "Nunez", "lucia", "Lucía Núñez", "lu nu",
    "5/17/1980", "05/17/1980", "1980-05-17", "17.05.1980", "May 17, 1980", "19800517",
    "(312) 555-0142", "312.555.0142", "+1 312 555 0142", "3125550142",
    "lucia.nunez@example.com", "Lucia.Nunez@Example.COM", "A-778", "a-778",
])
def test_each_kind_of_term_finds_the_patient(practice, lucia, others, query):
    assert list(patient_search(practice=practice, query=query)) == [lucia]


def test_a_name_prefix_finds_everyone_it_starts(practice, lucia, others):
    found = patient_search(practice=practice, query="nu")
    assert [p.last_name for p in found] == ["Nunes", "Núñez"]


def test_another_practices_patients_are_never_found(practice, other_practice, lucia):
    twin = PatientFactory(practice=other_practice, first_name="Lucía", last_name="Núñez",
                          date_of_birth="1980-05-17", mrn="A-778")
    ContactPointFactory(patient=twin, value="+13125550142")
    for query in ["nunez", "5/17/1980", "3125550142", "A-778"]:
        assert list(patient_search(practice=practice, query=query)) == [lucia]


def test_nothing_matches_an_unknown_term(practice, lucia):
    for query in ["zzz", "1/1/1901", "(312) 555-0199", "nobody@example.com", "%", "_", "\\"]:
        assert list(patient_search(practice=practice, query=query)) == []


def test_search_page_queries_do_not_grow_with_results(as_user, staff, practice,
                                                      django_assert_max_num_queries):
    for n in range(60):
        PatientFactory(practice=practice, last_name=f"Garcia{n:02d}")
    client = as_user(staff)
    url = reverse("patient_list", args=[practice.slug])
    # session, user, MFA (2), practice, membership + one page with its total, audit
    with django_assert_max_num_queries(8):
        response = client.post(url, {"q": "Garcia, "})
    assert len(response.context["page"]) == 50


def test_pages_of_a_search_keep_their_total_and_a_stale_page_number_is_the_last(
        as_user, staff, practice):
    for n in range(60):
        PatientFactory(practice=practice, last_name=f"Garcia{n:02d}")
    client = as_user(staff)
    url = reverse("patient_list", args=[practice.slug])
    second = client.post(url, {"q": "garcia", "page": "2"})
    assert len(second.context["page"]) == 10 and "Page 2 of 2" in second.text
    stale = client.post(url, {"q": "garcia", "page": "9"})
    assert stale.context["page"].number == 2


# The list page runs the search compiled once per shape (patient_search_page):
# it must give exactly what paging the ORM queryset gives.

ALL_KINDS = [
    "Núñez, Lucía", "nunez, lucia", "NUNEZ,LU", "Nunez", "lucia", "Lucía Núñez", "lu nu", "nu",
    "Nash", "Nash, Luke", ", luke", "n", "5/17/1980", "1/2/1975", "May 17, 1980", "19800517",
    "(312) 555-0142", "+1 312 555 0199", "lucia.nunez@example.com", "A-778", "a-778", "%", "_",
    "\\", "n%", "", "zzz", "Łukasz", "a b c d",
]


def _page_ids(page):
    return [(p.pk, p.last_name, p.first_name, p.date_of_birth, p.mrn) for p in page]


@pytest.mark.parametrize("query", ALL_KINDS)
def test_the_compiled_page_is_the_querysets_page(practice, other_practice, lucia, others, query):
    twin = PatientFactory(practice=other_practice, first_name="Lucía", last_name="Núñez",
                          date_of_birth="1980-05-17", mrn="A-778")
    ContactPointFactory(patient=twin, value="+13125550142")
    expected = page_in_one_query(patient_search(practice=practice, query=query),
                                 page_number=1, per_page=50)
    page = patient_search_page(practice=practice, query=query, page_number=1, per_page=50)
    assert _page_ids(page) == _page_ids(expected)
    assert page.paginator.count == expected.paginator.count


def test_one_compiled_shape_serves_every_value_typed_in_it(practice, lucia, others):
    # Same shapes (one ASCII word; "Last, First"; a date; an MRN), different values.
    for query, last_names in [("nash", ["Nash"]), ("nunes", ["Nunes"]), ("nunez", ["Núñez"]),
                              ("Nash, Luke", ["Nash"]), ("Nunes, Ana", ["Nunes"]),
                              ("1/2/1975", ["Nash"]), ("7/8/1990", ["Nunes"]),
                              ("A-778", ["Núñez"]), ("B-1", [])]:
        page = patient_search_page(practice=practice, query=query, per_page=50)
        assert [p.last_name for p in page] == last_names, query


def test_compiled_pages_keep_their_total_and_a_stale_page_is_the_last(practice):
    for n in range(60):
        PatientFactory(practice=practice, last_name=f"Garcia{n:02d}")
    second = patient_search_page(practice=practice, query="garcia", page_number="2", per_page=50)
    assert len(second) == 10 and second.paginator.num_pages == 2 and not second.has_next()
    assert [p.last_name for p in second] == [f"Garcia{n:02d}" for n in range(50, 60)]
    stale = patient_search_page(practice=practice, query="garcia", page_number="9", per_page=50)
    assert stale.number == 2 and len(stale) == 10


def test_the_compiled_page_is_one_query(practice, lucia, django_assert_num_queries):
    patient_search_page(practice=practice, query="lucia", per_page=50)  # compiled here
    with django_assert_num_queries(1):
        page = patient_search_page(practice=practice, query="nunez", per_page=50)
        assert [p.first_name for p in page] == ["Lucía"]
