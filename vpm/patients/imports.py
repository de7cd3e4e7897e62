"""Importing a practice's patient list from CSV: preview every row, then all or nothing.

Set-based: parsing and checking are Python over the rows; the database is
asked a fixed number of questions whatever the file's size (existing MRNs,
existing phones and emails, existing patients born on the file's dates), and
the import is a handful of bulk inserts in one transaction.

Running the same file again adds nothing: a row whose MRN is already in the
practice, or whose name and date of birth match a patient exactly, is
"already here" and skipped.
"""

import csv
import difflib
import hashlib
import io
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from vpm.audit.models import AuditEvent

from .contact import email_normalise, phone_normalise
from .dates import parse_date, validate_birth_date
from .models import ContactPoint, Patient, PatientChange, PatientImport, Sex
from .services import mrn_candidate
from .text import has_control_characters

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED = ("first_name", "last_name", "date_of_birth")
COLUMNS = ("first_name", "last_name", "preferred_name", "date_of_birth", "sex", "mrn", "email",
           "mobile_phone", "home_phone", "address", "preferred_language", "preferred_channel")
LIMITS = {"first_name": 100, "last_name": 100, "preferred_name": 100, "mrn": 32, "address": 300}
# Header spellings people use, to our column names.
ALIASES = {"first": "first_name", "given_name": "first_name", "last": "last_name",
           "surname": "last_name", "family_name": "last_name", "dob": "date_of_birth",
           "birth_date": "date_of_birth", "birthdate": "date_of_birth", "phone": "mobile_phone",
           "mobile": "mobile_phone", "cell": "mobile_phone", "home": "home_phone",
           "e-mail": "email", "language": "preferred_language", "channel": "preferred_channel",
           "medical_record_number": "mrn"}
SIMILAR_NAME = 0.8


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says how to fix it."""


@dataclass
class RowResult:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    duplicate_of: list[str] = field(default_factory=list)  # MRNs of likely duplicates
    already_here: str = ""  # MRN of the same patient, already in the practice

    @property
    def outcome(self) -> str:
        if self.errors:
            return "error"
        if self.already_here:
            return "already here"
        return "likely duplicate" if self.duplicate_of else "new"


@dataclass
class Preview:
    rows: list[RowResult]

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def can_import(self):
        return bool(self.rows) and not any(row.errors for row in self.rows)


def fold(text: str) -> str:
    """Lower case without accents, for comparing names inside the import."""
    text = text.replace("ø", "o").replace("Ø", "o").replace("ß", "ss").replace("æ", "ae") \
        .replace("ł", "l").replace("Ł", "l").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


# --- Reading the file ----------------------------------------------------

def import_upload(*, practice, uploaded_file, actor) -> PatientImport:
    """Keep an uploaded CSV for preview (ImportFileError if it cannot be read)."""
    raw = uploaded_file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportFileError("The file is over 5 MB; split it into smaller files.")
    if b"\x00" in raw:
        raise ImportFileError("This is not a CSV text file (it contains binary data). "
                              "Save the list as CSV (UTF-8) and upload that.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text. In your spreadsheet, save it as "
                              "\u201cCSV UTF-8\u201d and upload it again.") from None
    _read_rows(text)  # refuses a file without the needed columns now, not at import
    return PatientImport.objects.create(
        practice=practice, uploaded_by=actor, file_name=(uploaded_file.name or "")[:200],
        file_sha256=hashlib.sha256(raw).hexdigest(), content=text)


def _read_rows(text: str) -> list[dict]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportFileError("The file is empty.") from None
    columns = [_column(name) for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError("The first row must name the columns; missing: "
                              + ", ".join(missing) + ". Allowed: " + ", ".join(COLUMNS) + ".")
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append({col: (values[i].strip() if i < len(values) else "")
                         for i, col in enumerate(columns) if col in COLUMNS})
            if len(rows) > MAX_ROWS:
                raise ImportFileError(f"The file has more than {MAX_ROWS:,} patients; "
                                      "split it into smaller files.")
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num} cannot be read as CSV ({error}).") \
            from None
    return rows


def _column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


# --- Checking every row --------------------------------------------------

def import_preview(*, patient_import: PatientImport) -> Preview:
    """Each row's problems and duplicates, without writing anything (3 queries)."""
    practice = patient_import.practice
    rows = [_check_row(practice, line, values)
            for line, values in enumerate(_read_rows(patient_import.content), start=2)]
    _check_within_file(rows)
    _check_against_practice(practice, rows)
    return Preview(rows=rows)


def _check_row(practice, line, raw) -> RowResult:
    row = RowResult(line=line, values=dict(raw))
    for name in REQUIRED:
        if not raw.get(name):
            row.errors.append(f"{name.replace('_', ' ')} is missing")
    for name, limit in LIMITS.items():
        if len(raw.get(name, "")) > limit:
            row.errors.append(f"{name.replace('_', ' ')} is over {limit} characters")
    if any(has_control_characters(v) for v in raw.values()):
        row.errors.append("contains hidden control characters")
    _check_value(row, "date_of_birth", _birth_date, raw.get("date_of_birth"), practice)
    for name in ("mobile_phone", "home_phone"):
        _check_value(row, name, _phone, raw.get(name), practice)
    _check_value(row, "email", lambda v, p: email_normalise(v), raw.get("email"), practice)
    _check_choices(row, raw)
    row.values["mrn"] = raw.get("mrn", "").upper()
    return row


def _check_value(row, name, parse, raw, practice):
    if not raw:
        return
    try:
        row.values[name] = parse(raw, practice)
    except ValidationError as error:
        row.errors.append(f"{name.replace('_', ' ')} “{raw[:40]}”: {error.messages[0]}")


def _birth_date(raw, practice):
    value = parse_date(raw, region=practice.phone_region)
    if value is None:
        raise ValidationError("not a real date (use 5/17/1980 or 1980-05-17)")
    validate_birth_date(value)
    return value


def _phone(raw, practice):
    return phone_normalise(raw, region=practice.phone_region)


def _check_choices(row, raw):
    sex = (raw.get("sex") or "unknown").lower()
    sex = {"f": "female", "m": "male", "u": "unknown", "": "unknown"}.get(sex, sex)
    if sex not in Sex.values:
        row.errors.append(f"sex “{raw.get('sex')}”: use female, male, intersex or unknown")
    row.values["sex"] = sex
    language = (raw.get("preferred_language") or "").lower()[:2] or None
    row.values["preferred_language"] = language
    channel = (raw.get("preferred_channel") or "").lower()
    channel = {"text": "sms", "call": "phone"}.get(channel, channel)
    if channel and channel not in ("email", "sms", "phone"):
        row.errors.append(f"preferred channel “{raw.get('preferred_channel')}”: use email, sms "
                          "or phone")
    row.values["preferred_channel"] = channel or _default_channel(row.values)


def _default_channel(values):
    if values.get("mobile_phone"):
        return "sms"
    if values.get("email"):
        return "email"
    return "phone"


def _name_key(values):
    return fold(values.get("first_name", "")), fold(values.get("last_name", ""))


def _check_within_file(rows):
    seen_mrn, seen_person = {}, {}
    for row in rows:
        if row.errors:
            continue
        mrn, person = row.values["mrn"], (_name_key(row.values), row.values["date_of_birth"])
        if mrn and mrn in seen_mrn:
            row.errors.append(f"MRN {mrn} is also on line {seen_mrn[mrn]}")
        elif person in seen_person:
            row.errors.append(f"the same patient is also on line {seen_person[person]}")
        seen_mrn.setdefault(mrn, row.line)
        seen_person.setdefault(person, row.line)


def _check_against_practice(practice, rows):
    good = [row for row in rows if not row.errors]
    patients = Patient.objects.for_practice(practice).current()
    by_mrn = dict(patients.filter(mrn__in={r.values["mrn"] for r in good if r.values["mrn"]})
                  .values_list("mrn", "mrn"))
    contacts = {r.values.get(k) for r in good for k in ("email", "mobile_phone", "home_phone")}
    by_contact = defaultdict(set)
    for value, mrn in ContactPoint.objects.for_practice(practice) \
            .filter(value__in=contacts - {None, ""}, patient__merged_into__isnull=True) \
            .values_list("value", "patient__mrn"):
        by_contact[value].add(mrn)
    born = defaultdict(list)
    for first, last, dob, mrn in patients.filter(
            date_of_birth__in={r.values["date_of_birth"] for r in good}) \
            .values_list("first_name", "last_name", "date_of_birth", "mrn"):
        born[dob].append(((fold(first), fold(last)), mrn))
    for row in good:
        _match(row, by_mrn, by_contact, born)


def _match(row, by_mrn, by_contact, born):
    mrn, name = row.values["mrn"], _name_key(row.values)
    if mrn and mrn in by_mrn:
        row.already_here = mrn
        return
    similar = set()
    for existing_name, existing_mrn in born[row.values["date_of_birth"]]:
        if existing_name == name:
            row.already_here = existing_mrn
            return
        if _similar(existing_name, name):
            similar.add(existing_mrn)
    for key in ("email", "mobile_phone", "home_phone"):
        similar |= by_contact.get(row.values.get(key), set())
    row.duplicate_of = sorted(similar)


def _similar(a, b) -> bool:
    return difflib.SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= SIMILAR_NAME


# --- Importing ----------------------------------------------------------------

class ImportRefused(ValueError):
    """The file has errors, or this upload was already imported."""


@transaction.atomic
def import_commit(*, patient_import, actor, include_likely_duplicates=False) -> PatientImport:
    """Create every new patient of the file in one transaction, or none.

    The status moves previewed → importing with a conditional UPDATE, so two
    clicks (or two managers) cannot import one upload twice.
    """
    claimed = PatientImport.objects.filter(
        pk=patient_import.pk, status=PatientImport.Status.PREVIEWED,
    ).update(status=PatientImport.Status.IMPORTING)
    if not claimed:
        raise ImportRefused("This file has already been imported; its report is below.")
    patient_import.refresh_from_db()
    preview = import_preview(patient_import=patient_import)
    if not preview.can_import:
        raise ImportRefused("Fix the rows with problems, then upload the file again.")
    wanted = ("new", "likely duplicate") if include_likely_duplicates else ("new",)
    to_create = [row for row in preview.rows if row.outcome in wanted]
    created = _create_patients(patient_import.practice, to_create, actor)
    return _finish(patient_import, preview, created, wanted)


def _create_patients(practice, rows, actor) -> dict[int, dict]:
    """Write the new patients and their rows with COPY: no per-row INSERT, no model objects.

    The columns are listed explicitly; the generated search columns and the
    database defaults fill themselves in.
    """
    fresh = iter(_fresh_mrns(practice, sum(1 for row in rows if not row.values["mrn"]),
                             taken={row.values["mrn"] for row in rows}))
    now = timezone.now()
    created = {row.line: {"id": uuid.uuid4(), "mrn": row.values["mrn"] or next(fresh)}
               for row in rows}
    _copy("patients_patient", PATIENT_COLUMNS,
          (_patient_row(practice, row, created[row.line], now) for row in rows))
    _copy("patients_contactpoint",
          ("practice_id", "patient_id", "kind", "value", "is_primary", "created_at"),
          ((practice.pk, created[row.line]["id"], kind, row.values[name], True, now)
           for row in rows for name, kind in CONTACT_KINDS.items() if row.values.get(name)))
    _copy("patients_patientchange",
          ("practice_id", "patient_id", "kind", "field", "old_value", "new_value",
           "changed_by_id", "changed_at", "via"),
          ((practice.pk, created[row.line]["id"], PatientChange.Kind.CREATED, "", "",
            f"MRN {created[row.line]['mrn']}", actor.pk, now, "import") for row in rows))
    _copy("audit_auditevent",
          ("practice_id", "actor_id", "patient_id", "action", "object_type", "object_id", "via",
           "at", "user_agent"),
          ((practice.pk, actor.pk, created[row.line]["id"], AuditEvent.Action.CHANGE_PATIENT,
            "patients.patient", str(created[row.line]["id"]), "import", now, "")
           for row in rows))
    return created


PATIENT_COLUMNS = ("id", "practice_id", "first_name", "last_name", "preferred_name",
                   "date_of_birth", "sex", "mrn", "address", "preferred_language",
                   "preferred_channel", "created_at", "updated_at")
CONTACT_KINDS = {"email": ContactPoint.Kind.EMAIL, "mobile_phone": ContactPoint.Kind.PHONE,
                 "home_phone": ContactPoint.Kind.HOME_PHONE}


def _patient_row(practice, row, created, now):
    values = row.values
    return (created["id"], practice.pk, values["first_name"], values["last_name"],
            values.get("preferred_name", ""), values["date_of_birth"], values["sex"],
            created["mrn"], values.get("address", ""),
            values["preferred_language"] or practice.default_language,
            values["preferred_channel"], now, now)


def _copy(table, columns, rows):
    # Table and column names are ours (constants above), never input.
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _fresh_mrns(practice, count, *, taken) -> list[str]:
    """`count` new MRNs, checked against the practice in one query per batch (not per row)."""
    fresh = []
    while len(fresh) < count:
        candidates = {mrn_candidate() for _ in range(count - len(fresh))} - taken - set(fresh)
        in_use = set(Patient.objects.for_practice(practice).filter(mrn__in=candidates)
                     .values_list("mrn", flat=True))
        fresh.extend(sorted(candidates - in_use))
    return fresh


def _finish(patient_import, preview, created, wanted):
    report = []
    for row in preview.rows:
        patient = created.get(row.line)
        outcome = "created" if patient else ("skipped: already here (MRN "
                                             f"{row.already_here})" if row.already_here else
                                             "skipped: likely duplicate of MRN "
                                             + ", ".join(row.duplicate_of))
        report.append({"line": row.line, "name": f"{row.values['last_name']}, "
                       f"{row.values['first_name']}", "outcome": outcome,
                       "mrn": patient["mrn"] if patient else ""})
    patient_import.status = PatientImport.Status.IMPORTED
    patient_import.rows_total = len(preview.rows)
    patient_import.rows_created = len(created)
    patient_import.rows_skipped = len(preview.rows) - len(created)
    patient_import.report = report
    patient_import.content = ""  # the rows are patients now; the file need not be kept
    patient_import.imported_at = timezone.now()
    patient_import.save()
    return patient_import
