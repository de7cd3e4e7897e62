import copy
import functools

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from vpm.patients.models import Patient
from vpm.practices.models import Team
from vpm.queue.models import Kind, Urgency

from .rows import escape

URGENCY_BY_NAME = {urgency.name.lower(): urgency.value for urgency in Urgency}
OWNER_CHOICES = [("", "Anyone"), ("me", "Me"), ("unassigned", "Nobody yet")]
OVERDUE_CHOICES = [("", "Any time"), ("yes", "Overdue only"),
                   ("escalated", "Escalated to managers")]


class QuickSelect(forms.Select):
    """A <select> written in Python, the same markup Django's widget templates give.

    The queue's five filter menus (the owner menu lists every colleague, up to
    30) went through some 40 template renders per page, more than half of the
    page's remaining template time (profile in docs/operations.md).
    """

    def __deepcopy__(self, memo):
        # Django's copy normalises the choices again (for every menu of every
        # form); these are normalised already and only ever replaced, not changed.
        copied = copy.copy(self)
        copied.attrs = self.attrs.copy()
        memo[id(self)] = copied
        return copied

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        options = _options_html(tuple(self.choices), tuple(self.format_value(value)))
        # Safe: the name and every attribute are escaped; options are (below).
        return mark_safe(f'<select name="{escape(name)}"{_attributes(attrs)}>\n'  # noqa: S308
                         f"{options}</select>")


def _attributes(attrs) -> str:
    """django.forms.utils.flatatt's text (key="value" pairs sorted, then the true
    booleans), without format_html_join: it cost more than the rest of the menu."""
    pairs = sorted((key, value) for key, value in attrs.items()
                   if not isinstance(value, bool) and value is not None)
    flags = sorted(key for key, value in attrs.items() if value is True)
    return ("".join(f' {conditional_escape(key)}="{conditional_escape(value)}"'
                    for key, value in pairs)
            + "".join(f" {conditional_escape(key)}" for key in flags))


@functools.lru_cache(maxsize=2048)
def _options_html(choices, wanted) -> str:
    """A menu's <option>s for these choices with `wanted` selected: the same few menus
    (a practice's colleagues, the fixed lists) are written again on every page and
    changed poll, so each is written once per process. Choices are (value, label)
    pairs of plain strings and numbers (the labels are not translated)."""
    options, chosen = [], False
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        selected = not chosen and option_value in wanted
        chosen = chosen or selected
        options.append(f'  <option value="{escape(option_value)}"'
                       f'{" selected" if selected else ""}>{escape(label)}</option>\n\n')
    return "".join(options)


class MenuField(forms.ChoiceField):
    """A ChoiceField whose copy in each form shares its list of choices.

    Every form deep-copies its fields; for the queue's five menus, copying
    their lazily translated labels was most of the form's cost on every page
    and poll. The list is only ever replaced (the owner menu's, per form),
    never changed in place, so sharing it is safe."""

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)  # the widget, messages, validators
        result._choices = self._choices
        return result


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the URL (so a view can be bookmarked and shared).

    Every value is checked against this practice: a colleague must be on its
    staff, a patient must be its patient. A bad value is reported next to its
    field and that filter is not applied.
    """

    team = MenuField(choices=[("", "Every team"), *Team.choices], required=False,
                     widget=QuickSelect, error_messages={
                         "invalid_choice": "There is no team “%(value).40s”; showing every team."})
    owner = MenuField(choices=OWNER_CHOICES, required=False, label="Owner",
                      widget=QuickSelect, error_messages={
                          "invalid_choice": "No one on this practice's staff has the id "
                                            "“%(value).40s”; showing everyone's items."})
    kind = MenuField(choices=[("", "Every kind"), *Kind.choices], required=False,
                     widget=QuickSelect, error_messages={
                         "invalid_choice": "There is no kind of item “%(value).40s”; "
                                           "showing every kind."})
    urgency = MenuField(choices=[("", "Any urgency"),
                                 *((name, Urgency(value).label)
                                   for name, value in URGENCY_BY_NAME.items())],
                        required=False, widget=QuickSelect, error_messages={
                            "invalid_choice": "There is no urgency “%(value).40s”; showing "
                                              "every urgency."})
    overdue = MenuField(choices=OVERDUE_CHOICES, required=False, label="Due",
                        widget=QuickSelect, error_messages={
                            "invalid_choice": "“%(value).40s” is not one of the choices for Due; "
                                              "showing items due at any time."})
    patient = forms.UUIDField(required=False, widget=forms.HiddenInput,
                              error_messages={"invalid": "That patient link is not valid."})
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000,
                              widget=forms.HiddenInput,
                              error_messages={"invalid": "Page numbers are whole numbers; "
                                                         "showing the first page.",
                                              "min_value": "Pages start at 1; showing the "
                                                           "first page.",
                                              "max_value": "There are at most 10,000 pages; "
                                                           "showing the first page."})

    def __init__(self, data, *, practice, colleagues):
        """`data`: the query's filters, or None when there are none (unbound)."""
        super().__init__(data)
        self.practice = practice
        # Already in the normalised form Django's choices setter would make:
        # set directly, the setter's normalising cost more than the whole menu.
        owner = self.fields["owner"]
        owner._choices = owner.widget.choices = OWNER_CHOICES + [
            (str(pk), name) for pk, name in colleagues]
        self.patient = None

    def clean_patient(self):
        patient_id = self.cleaned_data["patient"]
        if patient_id is None:
            return None
        self.patient = (Patient.objects.for_practice(self.practice).filter(pk=patient_id)
                        .only("id", "first_name", "last_name").first())
        if self.patient is None:
            raise forms.ValidationError("No such patient in this practice.")
        return patient_id

    MENUS = ("team", "owner", "kind", "urgency", "overdue")

    def menus_html(self, *, with_due=True) -> str:
        """The menus as the page shows them: each with its label and, when its value
        was refused, the reason beside it (the id the menu's aria-describedby names).
        Written here: through the template, five menus cost a fifth of the page."""
        parts = []
        for name in self.MENUS if with_due else self.MENUS[:-1]:
            bound = self[name]
            error = (f'<p class="error" id="id_{name}_error">{escape(bound.errors[0])}</p>'
                     if bound.errors else "")
            parts.append(f'<div class="filter"><label for="id_{name}">{escape(bound.label)}:'
                         f"</label>{bound}{error}</div>")
        # Safe: labels and errors are escaped; each menu is Django's rendering (QuickSelect).
        return mark_safe("\n  ".join(parts))  # noqa: S308

    def valid_filters(self) -> dict:
        """The filters that passed their checks (the others are left out)."""
        if not self.is_bound:  # no filters given
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items()
                if name not in self.errors and value not in ("", None)}


class BulkReassignForm(forms.Form):
    items = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Items",
                                           error_messages={
                                               "required": "Tick at least one item to move.",
                                               "invalid_choice": "One of those items is no "
                                                                 "longer in the list; reload."})

    def __init__(self, *args, item_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, pk) for pk in item_ids]


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(min_value=0, max_value=200, label="Capacity",
                                  error_messages={"required": "Enter how many items at most.",
                                                  "invalid": "Enter a whole number.",
                                                  "min_value": "Enter 0 or more.",
                                                  "max_value": "Enter at most 200."})
    is_available = forms.BooleanField(required=False, label="Available for new work")


class ClosedDayForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "Choose the date the practice is closed.",
                                           "invalid": "Enter a date, e.g. 2026-12-25."})
    reason = forms.CharField(max_length=120, required=False, label="Reason (optional)")

    def clean_date(self):
        from datetime import timedelta

        from vpm.validators import check_date_bounds

        day = self.cleaned_data["date"]
        check_date_bounds(day, max_past=timedelta(days=366), max_future=timedelta(days=3 * 366))
        return day


class SlaSettingsForm(forms.Form):
    """One minutes field and one "business hours" box per kind and urgency,
    plus the escalation limit. Fields are named t_<kind>_<urgency> and
    b_<kind>_<urgency>."""

    escalate_after_minutes = forms.IntegerField(
        min_value=1, max_value=30 * 24 * 60, label="Tell managers when an item is overdue by "
                                                   "more than (minutes)",
        error_messages={"required": "Enter a number of minutes.", "invalid": "Enter a whole "
                        "number of minutes.", "min_value": "Enter at least 1 minute.",
                        "max_value": "Enter at most 43200 minutes (30 days)."})

    def __init__(self, *args, targets, **kwargs):
        from vpm.queue.sla import MAX_MINUTES

        super().__init__(*args, **kwargs)
        self.cells = []
        for (kind, urgency), target in targets.items():
            minutes_name, hours_name = f"t_{kind}_{urgency}", f"b_{kind}_{urgency}"
            self.fields[minutes_name] = forms.IntegerField(
                min_value=1, max_value=MAX_MINUTES, initial=target.minutes,
                label=f"{Kind(kind).label}, {Urgency(urgency).label}: minutes",
                error_messages={"required": "Enter minutes.", "invalid": "Whole minutes.",
                                "min_value": "At least 1.",
                                "max_value": f"At most {MAX_MINUTES}."})
            self.fields[hours_name] = forms.BooleanField(
                required=False, initial=target.business_hours,
                label=f"{Kind(kind).label}, {Urgency(urgency).label}: count business hours only")
            self.cells.append((kind, urgency, minutes_name, hours_name))

    def targets(self):
        from vpm.queue.sla import Target

        return {(kind, urgency): Target(self.cleaned_data[m], self.cleaned_data[h])
                for kind, urgency, m, h in self.cells}

    def rows(self):
        """Kinds down, urgencies across, for the template."""
        by_kind = {}
        for kind, _urgency, minutes_name, hours_name in self.cells:
            by_kind.setdefault(kind, []).append((self[minutes_name], self[hours_name]))
        return [(Kind(kind).label, cells) for kind, cells in by_kind.items()]
