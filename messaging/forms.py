from django import forms

from vpm.patients.models import ContactAttempt

from .models import (
    MAX_BODY_CHARS,
    TEAM_CHOICES,
    TOPIC_CHOICES,
    URGENCY_CHOICES,
    Message,
    RefillRequest,
)

BODY_ERRORS = {"required": "Write the message first.",
               "max_length": f"Keep it under {MAX_BODY_CHARS:,} characters."}


class ReplyForm(forms.Form):
    body = forms.CharField(label="Reply", max_length=MAX_BODY_CHARS, strip=True,
                           widget=forms.Textarea(attrs={"rows": 5}), error_messages=BODY_ERRORS)
    channel = forms.ChoiceField(label="Send by", initial=Message.Channel.PORTAL, choices=[
        (Message.Channel.PORTAL, "Portal (the patient is told a reply is waiting)"),
        (Message.Channel.SMS, "Text message"), (Message.Channel.EMAIL, "Email")])
    wait_for_patient = forms.BooleanField(label="Wait for the patient's answer (pauses the clock)",
                                          required=False)


class NoteForm(forms.Form):
    body = forms.CharField(label="Internal note (the patient never sees it)",
                           max_length=MAX_BODY_CHARS, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages=BODY_ERRORS)


CALL_OUTCOMES = [(value, label) for value, label in ContactAttempt.Outcome.choices
                 if value in ("reached", "left_message", "no_answer", "wrong_number")]


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label="How did the call go?", choices=CALL_OUTCOMES)
    note = forms.CharField(label="What was said", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(forms.Form):
    """A message that came another way (a phone call, a text, an email), typed in by staff."""

    channel = forms.ChoiceField(label="It came by", choices=[
        (Message.Channel.PHONE, "Phone call"), (Message.Channel.SMS, "Text message"),
        (Message.Channel.EMAIL, "Email")])
    body = forms.CharField(label="What the patient said", max_length=MAX_BODY_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}), error_messages=BODY_ERRORS)


class CloseForm(forms.Form):
    outcome = forms.CharField(label="Outcome", max_length=300,
                              error_messages={"required": "Say what was done before closing."})


class CorrectForm(forms.Form):
    field = forms.ChoiceField(choices=[("urgency", "Urgency"), ("topic", "Topic"),
                                       ("team", "Team")])
    value = forms.ChoiceField(choices=URGENCY_CHOICES + TOPIC_CHOICES + TEAM_CHOICES)


class RefillStatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=RefillRequest.Status.choices)
    medication = forms.CharField(label="Medicine", max_length=200, required=False)
    note_to_patient = forms.CharField(label="Note the patient sees", max_length=300,
                                      required=False)


class MergeForm(forms.Form):
    target = forms.UUIDField(label="Merge into", error_messages={
        "required": "Choose the thread to merge into.", "invalid": "Choose a thread from the list."})


class MatchForm(forms.Form):
    mrn = forms.CharField(label="Patient's medical record number", max_length=32,
                          error_messages={"required": "Enter the patient's MRN."})


class RuleForm(forms.Form):
    definition = forms.JSONField(label="Rule (JSON)", widget=forms.Textarea(attrs={"rows": 8}),
                                 error_messages={"required": "Write the rule as JSON.",
                                                 "invalid": "This is not valid JSON."})


class PreviewForm(forms.Form):
    text = forms.CharField(label="Sample message", max_length=MAX_BODY_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Write a sample message to try."})


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=100)
    language = forms.ChoiceField(choices=[("en", "English"), ("es", "Español")])
    body = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="{patient_name} and {next_visit} are filled in.")


class OnCallForm(forms.Form):
    person = forms.TypedChoiceField(label="On-call person", coerce=int, required=False,
                                    empty_value=None)
    role = forms.ChoiceField(label="If nobody is named, alert every", choices=[
        ("manager", "Practice manager"), ("provider", "Provider"), ("staff", "Front-office staff")])
    sms_number = forms.RegexField(label="On-call mobile number (texted on every emergency)",
                                  regex=r"^\+?[0-9 ()-]{7,20}$", required=False,
                                  error_messages={"invalid": "Enter a phone number, "
                                                             "e.g. +1 312 555 0142."})
    urgent_contact_instructions = forms.CharField(
        label="Urgent-contact instructions (sent at once when a message may be an emergency)",
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Nobody named")] + list(people)
