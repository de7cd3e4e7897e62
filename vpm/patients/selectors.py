import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import TrigramSimilarity
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, Func, OuterRef, Prefetch, Q, Value, Window
from django.db.models.functions import Concat, Lower
from django.shortcuts import get_object_or_404

from .contact import phone_or_none
from .dates import parse_date
from .models import ContactAttempt, ContactPoint, IdentityCheck, Insurance, Patient, PatientChange

# --- Search ---------------------------------------------------------------
#
# A front desk types one box: "Garcia, Maria", "maria", "lucia" (for Lucía),
# "5/17/1980", "(312) 555-0100", "maria@example.com" or an MRN. Each kind of
# term becomes one indexed condition on a column that leads with the practice:
# names on the accent-folded generated columns (LIKE 'prefix%'), dates of
# birth on (practice, date_of_birth), phones and emails on contact points
# (practice, value), MRNs on the unique (practice, mrn).


@dataclass
class SearchTerms:
    names: list[str] = field(default_factory=list)  # folded prefixes, as typed
    last_first: tuple[str, str] | None = None
    birth_date: object = None
    contact_values: list[str] = field(default_factory=list)
    mrn: str = ""


def search_terms(query: str, *, region: str) -> SearchTerms:
    """What a search box query means: names, a date of birth, a phone, an email or an MRN."""
    query = " ".join(query.split())
    terms = SearchTerms()
    if not query:
        return terms
    if "@" in query:
        terms.contact_values = [query.lower()]
        return terms
    terms.birth_date = parse_date(query, region=region)
    if terms.birth_date is None and sum(ch.isdigit() for ch in query) >= 7:
        phone = phone_or_none(query, region=region)
        terms.contact_values = [phone] if phone else []
    if " " not in query and "," not in query:  # an MRN is one token, matched exactly
        terms.mrn = query.upper()
    if terms.birth_date or terms.contact_values or not any(ch.isalpha() for ch in query):
        return terms
    if "," in query:
        last, _, first = query.partition(",")
        terms.last_first = (last.strip(), first.strip())
    else:
        terms.names = query.split()[:3]
    return terms


def _folded(word: str):
    """`word` folded exactly as the generated search columns are.

    Plain ASCII is only lower-cased (the unaccent rules map no ASCII
    character), so it is folded here. Anything else is folded inside the
    query: vpm_unaccent is IMMUTABLE, so Postgres turns it into a constant
    while planning and LIKE 'prefix%' still uses the (practice, search_*) index.
    """
    if word.isascii():
        return word.lower()
    return Lower(Func(Value(word), function="vpm_unaccent"))


def _name_starts(word: str) -> Q:
    folded = _folded(word)
    return (Q(search_last__startswith=folded) | Q(search_first__startswith=folded)
            | Q(search_preferred__startswith=folded))


def _search_condition(practice, terms: SearchTerms) -> Q | None:
    conditions = []
    if terms.last_first:
        last, first = terms.last_first
        condition = Q(search_last__startswith=_folded(last))
        if first:
            condition &= (Q(search_first__startswith=_folded(first))
                          | Q(search_preferred__startswith=_folded(first)))
        conditions.append(condition)
    elif terms.names:
        condition = Q()
        for word in terms.names:
            condition &= _name_starts(word)
        conditions.append(condition)
    if terms.birth_date:
        conditions.append(Q(date_of_birth=terms.birth_date))
    if terms.contact_values:
        points = ContactPoint.objects.for_practice(practice).filter(value__in=terms.contact_values)
        conditions.append(Q(pk__in=points.values("patient_id")))
    if terms.mrn:
        conditions.append(Q(mrn=terms.mrn))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


# What a list of patients shows (page and API); fewer columns, less to build per row.
LIST_FIELDS = ("id", "practice_id", "first_name", "last_name", "preferred_name", "date_of_birth",
               "mrn", "preferred_channel")


def patient_search(*, practice, query: str = ""):
    """Current (not merged) patients of a practice matching a search box query, "Last, First" order."""
    return _search_queryset(practice, search_terms(query, region=practice.phone_region))


def _search_queryset(practice, terms: SearchTerms):
    patients = Patient.objects.for_practice(practice).current() \
        .only(*LIST_FIELDS).order_by("last_name", "first_name", "id")
    condition = _search_condition(practice, terms)
    return patients.filter(condition) if condition is not None else patients


# --- The search page, compiled once per shape -------------------------------
#
# Building and compiling the ORM query costs several times its SQL (about
# 1.5 ms against 0.3-1 ms). The query's *shape* (which kinds of condition,
# how many name words, which are plain ASCII) takes a few dozen forms, so each
# is compiled once per process from the very queryset `patient_search` builds,
# with marker values in place of the typed ones; a search then only fills the
# markers' places in the parameter list and runs the SQL on a cursor. The ORM
# queryset stays the one description of the search (the API pages it).

_SLOT = "qqslot{}qq"  # lower-case ASCII: folded in Python unchanged, no LIKE wildcard
_SLOT_ACCENTED = "\u00e9slot{}\u00e9"  # non-ASCII: folded inside the query
_SLOT_DATE = date(1001, 1, 1)
_SLOT_PRACTICE = -4_242_424_242


@dataclass(frozen=True)
class _CompiledSearch:
    sql: str
    slots: tuple  # per parameter: ("practice",) | ("value", i) | ("prefix", i)


_compiled_searches: dict[tuple, _CompiledSearch] = {}


def _shape(terms: SearchTerms) -> tuple[tuple, SearchTerms, list]:
    """The shape of `terms` (a cache key), the same terms with markers, and the values."""
    values = []

    def slot(value, *, word=False):
        values.append(value.lower() if word and value.isascii() else value)
        if not word:
            return _SLOT.format(len(values) - 1)
        return (_SLOT if value.isascii() else _SLOT_ACCENTED).format(len(values) - 1)

    marked = SearchTerms()
    key = []
    if terms.last_first:
        last, first = terms.last_first
        marked.last_first = (slot(last, word=True), slot(first, word=True) if first else "")
        key.append(("last_first", last.isascii(), first.isascii() if first else None))
    marked.names = [slot(word, word=True) for word in terms.names]
    key.append(("names", tuple(word.isascii() for word in terms.names)))
    if terms.birth_date:
        values.append(terms.birth_date)
        marked.birth_date = _SLOT_DATE
        key.append("birth_date")
    marked.contact_values = [slot(value) for value in terms.contact_values]
    key.append(("contacts", len(terms.contact_values)))
    if terms.mrn:
        marked.mrn = slot(terms.mrn).upper()  # as typed, upper-cased
        key.append("mrn")
    return tuple(key), marked, values


def _compile_search(marked: SearchTerms, values: list) -> _CompiledSearch:
    from vpm.practices.models import Practice

    practice = Practice(pk=_SLOT_PRACTICE)
    queryset = _search_queryset(practice, marked) \
        .annotate(matching_total=Window(Count("*"))).values_list(*_list_columns(), "matching_total")
    sql, params = queryset.query.sql_with_params()
    markers = {}
    for i, value in enumerate(values):
        if isinstance(value, date):
            markers[_SLOT_DATE] = ("value", i)
        else:
            for template in (_SLOT, _SLOT_ACCENTED):
                markers[template.format(i)] = ("value", i)
                markers[template.format(i).upper()] = ("value", i)
                markers[template.format(i) + "%"] = ("prefix", i)
    markers[_SLOT_PRACTICE] = ("practice",)
    slots = []
    for param in params:
        if param not in markers:  # a value the search did not put there: never guess
            raise RuntimeError(f"patient search compiled with an unknown parameter {param!r}")
        slots.append(markers[param])
    return _CompiledSearch(sql=f"{sql} LIMIT %s OFFSET %s", slots=tuple(slots))


@functools.cache
def _list_columns() -> tuple[str, ...]:
    """LIST_FIELDS in the model's order, the order `Model.from_db` reads values in."""
    return tuple(f.attname for f in Patient._meta.concrete_fields if f.attname in LIST_FIELDS)


def patient_search_page(*, practice, query: str = "", page_number=None, per_page) -> Page:
    """A page of `patient_search(practice, query)` and its total: one query, compiled once.

    The same rows, in the same order, as paging the queryset; the patients carry
    LIST_FIELDS only (as `.only()` would).
    """
    terms = search_terms(query, region=practice.phone_region)
    key, marked, values = _shape(terms)
    compiled = _compiled_searches.get(key)
    if compiled is None:
        compiled = _compiled_searches[key] = _compile_search(marked, values)
    number = int(page_number) if str(page_number or "").isdigit() else 1
    number = max(number, 1)
    params = [practice.pk if slot[0] == "practice"
              else values[slot[1]] if slot[0] == "value"
              else connection.ops.prep_for_like_query(values[slot[1]]) + "%"
              for slot in compiled.slots]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, [*params, per_page, (number - 1) * per_page])
        rows = cursor.fetchall()
    if not rows and number > 1:  # a stale page number: the paginator's nearest page
        return Paginator(patient_search(practice=practice, query=query), per_page) \
            .get_page(number)
    paginator = Paginator([], per_page)
    paginator.count = rows[0][-1] if rows else 0  # the cached property, filled
    patients = [Patient.from_db(connection.alias, _list_columns(), row[:-1]) for row in rows]
    return Page(patients, number, paginator)


def page_in_one_query(queryset, *, page_number, per_page) -> Page:
    """A page of `queryset` and its total in one query (a window count), not two.

    A page past the end falls back to the paginator's nearest page (more queries,
    rare: a stale link).
    """
    paginator = Paginator(queryset, per_page)
    number = int(page_number) if str(page_number or "").isdigit() else 1
    number = max(number, 1)
    start = (number - 1) * per_page
    rows = list(queryset.annotate(matching_total=Window(Count("*")))[start:start + per_page])
    if not rows and number > 1:
        return paginator.get_page(number)
    paginator.count = rows[0].matching_total if rows else 0  # the cached property, filled
    return Page(rows, number, paginator)


def patient_get_for_staff(*, practice, patient_id):
    """One patient with everything the patient page shows, in a fixed number of queries.

    A patient of another practice is a 404, exactly like a missing one.
    """
    return get_object_or_404(
        Patient.objects.for_practice(practice).select_related("merged_into").prefetch_related(
            Prefetch("contact_points",
                     queryset=ContactPoint.objects.order_by("kind", "-is_primary", "id")),
            Prefetch("identity_checks",
                     queryset=IdentityCheck.objects.select_related("checked_by")),
            Prefetch("insurances", queryset=Insurance.objects.select_related("verified_by")),
        ),
        pk=patient_id,
    )


CONTACT_LOG_PAGE_SIZE = 50


def contact_log_page(*, practice, patient, page_number=None) -> Page:
    """One page of the patient's contact log, newest first (two queries).

    A page number that is not a number or past the end gives the nearest page.
    """
    attempts = ContactAttempt.objects.for_practice(practice).filter(patient=patient) \
        .select_related("made_by").order_by("-occurred_at", "-id")
    return Paginator(attempts, CONTACT_LOG_PAGE_SIZE).get_page(page_number)


HISTORY_LIMIT = 100


def patient_history(*, practice, patient) -> list[PatientChange]:
    """The latest changes of a record, newest first (one query)."""
    return list(PatientChange.objects.for_practice(practice).filter(patient=patient)
                .select_related("changed_by")[:HISTORY_LIMIT])


def changed_fields(history: list[PatientChange]) -> dict[str, PatientChange]:
    """{field: its latest change} for the "changed" marks on the patient page.

    Keys use "_" for ":" ("contact_phone") so templates can look them up.
    """
    marks = defaultdict(lambda: None)  # a field never changed reads as None, not an error
    for change in history:
        key = change.field.replace(":", "_")
        if change.kind == PatientChange.Kind.UPDATED and key not in marks:
            marks[key] = change
    return marks


# --- Duplicates -------------------------------------------------------------

# Trigram similarity of "first last" at or above this, with the same date of
# birth, is a likely duplicate: "Maria Garcia" ~ "María García" (1.0), ~
# "Mari Garcia" (0.6), but not ~ "Mario Gomez" (0.2).
NAME_SIMILARITY = 0.45
DUPLICATE_LIMIT = 10


@dataclass
class DuplicateCandidate:
    patient: Patient
    same_birth_and_name: bool
    same_contact: bool

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.same_birth_and_name:
            reasons.append("same date of birth and a similar name")
        if self.same_contact:
            reasons.append("same phone or email")
        return reasons


def duplicate_candidates(*, practice, first_name, last_name, date_of_birth,
                         contact_values=(), exclude_id=None) -> list[DuplicateCandidate]:
    """Existing patients of this practice who are likely the same person (one query)."""
    contact_values = [v for v in contact_values if v]
    typed_name = Concat(Value(first_name), Value(" "), Value(last_name))
    same_contact = Exists(ContactPoint.objects.filter(
        practice=practice, patient=OuterRef("pk"), value__in=contact_values or [""]))
    similarity = TrigramSimilarity(
        Concat("search_first", Value(" "), "search_last"),
        _lower_unaccent(typed_name))
    candidates = (
        Patient.objects.for_practice(practice).current()
        .filter(Q(date_of_birth=date_of_birth) | Q(pk__in=ContactPoint.objects.filter(
            practice=practice, value__in=contact_values or [""]).values("patient_id")))
        .annotate(similarity=similarity, same_contact=same_contact)
        .filter(Q(same_contact=True) | Q(date_of_birth=date_of_birth,
                                         similarity__gte=NAME_SIMILARITY))
        .order_by("-same_contact", "-similarity", "last_name")
    )
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    return [DuplicateCandidate(patient=p, same_contact=p.same_contact,
                               same_birth_and_name=(p.date_of_birth == date_of_birth
                                                    and p.similarity >= NAME_SIMILARITY))
            for p in candidates[:DUPLICATE_LIMIT]]


def _lower_unaccent(expression):
    return Lower(Func(expression, function="vpm_unaccent"))
