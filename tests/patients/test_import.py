"""The manager's CSV import: preview first, all or nothing, repeatable, a report, fast."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import ContactPointFactory, PatientFactory
from vpm.audit.models import AuditEvent
from vpm.patients.bench import ten_thousand_rows_csv
from vpm.patients.imports import import_commit, import_preview, import_upload
from vpm.patients.models import ContactPoint, Patient, PatientImport

pytestmark = pytest.mark.django_db

GOOD = ("first_name,last_name,date_of_birth,mrn,mobile_phone,email,sex\n"
        "Lucía,Núñez,5/17/1980,,(312) 555-0142,lucia@example.com,F\n"
        "Ana,Ruiz,1990-02-03,R-2,,,female\n")


def _upload(client, practice, text, name="patients.csv"):
    return client.post(reverse("patient_import", args=[practice.slug]),
                       {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def _upload_and_import(client, practice, text, **form):
    response = _upload(client, practice, text)
    return client.post(response["Location"], form)


def test_the_preview_shows_problems_and_saves_nothing(as_user, manager, practice):
    text = GOOD + "Bo,Li,2/30/1980,,555-01,bo@gmial.com,\nCy,,2999-01-01,,,,robot\n"
    client = as_user(manager)
    preview = client.get(_upload(client, practice, text)["Location"])
    assert preview.status_code == 200
    for message in ["date of birth “2/30/1980”", "mobile phone “555-01”", "did you mean bo@gmail.com",
                    "last name is missing", "cannot be in the future", "sex “robot”"]:
        assert message in preview.text, message
    assert "Import 2 new patients" not in preview.text  # cannot start with errors
    assert not Patient.objects.exists()


def test_importing_creates_every_new_patient_with_contacts_and_audit(as_user, manager, practice):
    client = as_user(manager)
    report = client.get(_upload_and_import(client, practice, GOOD)["Location"])
    assert "2</strong> patients created" in report.text
    lucia = Patient.objects.get(last_name="Núñez")
    assert lucia.sex == "female" and lucia.mrn.startswith("M")
    assert sorted(lucia.contact_points.values_list("value", flat=True)) == \
        ["+13125550142", "lucia@example.com"]
    assert lucia.changes.get().via == "import"
    assert AuditEvent.objects.filter(action="change_patient", via="import").count() == 2


def test_the_same_file_again_adds_nothing(as_user, manager, practice):
    client = as_user(manager)
    _upload_and_import(client, practice, GOOD)
    _upload_and_import(client, practice, GOOD)
    assert Patient.objects.count() == 2
    second = PatientImport.objects.order_by("-pk").first()
    assert (second.rows_created, second.rows_skipped) == (0, 2)
    assert second.report[1]["outcome"] == "skipped: already here (MRN R-2)"


def test_likely_duplicates_are_skipped_unless_the_manager_asks(as_user, manager, practice):
    existing = PatientFactory(practice=practice, first_name="Lucia", last_name="Nunes",
                              date_of_birth="1980-05-17")
    client = as_user(manager)
    preview = client.get(_upload(client, practice, GOOD)["Location"])
    assert f"likely the same person as MRN {existing.mrn}" in preview.text
    client.post(preview.request["PATH_INFO"], {})
    assert not Patient.objects.filter(last_name="Núñez").exists()
    _upload_and_import(client, practice, GOOD, include_likely_duplicates="on")
    assert Patient.objects.filter(last_name="Núñez").exists()


def test_a_shared_phone_is_a_likely_duplicate(practice, manager):
    ContactPointFactory(patient=PatientFactory(practice=practice), value="+13125550142")
    upload = import_upload(practice=practice, actor=manager,
                           uploaded_file=SimpleUploadedFile("p.csv", GOOD.encode()))
    outcomes = [row.outcome for row in import_preview(patient_import=upload).rows]
    assert outcomes == ["likely duplicate", "new"]


def test_duplicates_within_the_file_are_problems(practice, manager):
    text = GOOD + "Ana,Ruiz,1990-02-03,,,,\n"
    upload = import_upload(practice=practice, actor=manager,
                           uploaded_file=SimpleUploadedFile("p.csv", text.encode()))
    rows = import_preview(patient_import=upload).rows
    assert rows[2].errors == ["the same patient is also on line 3"]


def test_another_practices_patients_are_not_duplicates(practice, other_practice, manager):
    PatientFactory(practice=other_practice, first_name="Ana", last_name="Ruiz",
                   date_of_birth="1990-02-03", mrn="R-2")
    upload = import_upload(practice=practice, actor=manager,
                           uploaded_file=SimpleUploadedFile("p.csv", GOOD.encode()))
    assert [r.outcome for r in import_preview(patient_import=upload).rows] == ["new", "new"]


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a CSV text file"),
    (b"name,phone\nA,1\n", "missing: first_name, last_name, date_of_birth"),
    ("first_name,last_name,date_of_birth\nJos\xe9,A,1/1/1990\n".encode("latin-1"), "not UTF-8"),
    (b"", "empty"),
])
def test_an_unreadable_file_is_refused_next_to_the_field(as_user, manager, practice, content,
                                                         message):
    response = as_user(manager).post(reverse("patient_import", args=[practice.slug]),
                                     {"file": SimpleUploadedFile("x.csv", content)})
    assert response.status_code == 400
    assert message in response.text
    assert not PatientImport.objects.exists()


def test_an_import_cannot_run_twice(practice, manager):
    upload = import_upload(practice=practice, actor=manager,
                           uploaded_file=SimpleUploadedFile("p.csv", GOOD.encode()))
    import_commit(patient_import=upload, actor=manager)
    with pytest.raises(ValueError, match="already been imported"):
        import_commit(patient_import=upload, actor=manager)
    assert Patient.objects.count() == 2


def test_staff_and_outsiders_cannot_import(as_user, staff, outsider, practice):
    url = reverse("patient_import", args=[practice.slug])
    assert as_user(staff).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404


def test_another_practices_import_is_404(as_user, manager, other_practice, outsider):
    upload = import_upload(practice=other_practice, actor=outsider,
                           uploaded_file=SimpleUploadedFile("p.csv", GOOD.encode()))
    url = reverse("patient_import_detail", args=["riverside", upload.pk])
    assert as_user(manager).get(url).status_code == 404
    assert as_user(manager).post(url, {}).status_code == 404


def test_ten_thousand_rows_import_in_few_queries_and_a_second_import_adds_nothing(
        practice, manager, django_assert_max_num_queries):
    # Its time is a benchmark figure, not a test: `make bench` (docs/operations.md).
    data = ten_thousand_rows_csv()
    upload = import_upload(practice=practice, actor=manager,
                           uploaded_file=SimpleUploadedFile("big.csv", data))
    with django_assert_max_num_queries(40):
        result = import_commit(patient_import=upload, actor=manager)
    assert result.rows_created == 10_000 and ContactPoint.objects.count() == 20_000
    again = import_upload(practice=practice, actor=manager,
                          uploaded_file=SimpleUploadedFile("big.csv", data))
    second = import_commit(patient_import=again, actor=manager)
    assert (second.rows_created, second.rows_skipped) == (0, 10_000)
    assert Patient.objects.for_practice(practice).count() == 10_000
    assert ContactPoint.objects.count() == 20_000
