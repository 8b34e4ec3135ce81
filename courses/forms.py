"""Forms for the cohort pages. They check the shape of input; the rules live in services."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from reports.models import ParticipantProfile

from .models import Enrolment, FeedbackResponse

MAX_CSV_BYTES = 512 * 1024

country_validator = RegexValidator(r"^[A-Za-z]{2}$", _("Use the two-letter country code, like KE or FR."))


class NoColonMixin:
    """Labels without Django's trailing colon: they read better above the fields and in RTL."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _asked(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The reports' choices as put to the trainee: in the first person, after a blank "Choose…"."""
    undisclosed = ParticipantProfile.Gender.UNDISCLOSED.value
    return [("", _("Choose…"))] + [
        (value, _("Prefer not to say") if value == undisclosed else label) for value, label in choices
    ]


class ProfileAnswersForm(NoColonMixin, forms.Form):
    """Gender and professional role for the results reports: required, "prefer not to say" allowed."""

    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=_asked(ParticipantProfile.Gender.choices),
        error_messages={"required": _("Choose a gender, or “Prefer not to say”.")},
        help_text=_("Counted only in the programme's anonymous figures; never shown to other participants."),
    )
    professional_role = forms.ChoiceField(
        label=_("Professional role"),
        choices=_asked(ParticipantProfile.ProfessionalRole.choices),
        error_messages={"required": _("Choose your professional role, or “Prefer not to say”.")},
        help_text=_("Counted only in the programme's anonymous figures; never shown to other participants."),
    )


class EnrolmentFactsForm(ProfileAnswersForm):
    """Country, agency type, gender and professional role, captured at enrolment for the results reports."""

    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        validators=[country_validator],
        help_text=_("Two-letter code of the country you work in, like KE."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 3}),
    )
    agency_type = forms.ChoiceField(
        label=_("Where you work"),
        choices=[("", _("Choose…")), *Enrolment.AgencyType.choices],
        required=False,
    )

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()


class JoinForm(EnrolmentFactsForm):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=16,
        help_text=_("Eight letters and digits, from your invitation."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "size": 12}),
    )
    field_order = ["code", "country", "agency_type", "gender", "professional_role"]


class ApplyForm(EnrolmentFactsForm):
    statement = forms.CharField(
        label=_("Why do you want to join?"),
        max_length=4000,
        help_text=_("A few sentences about your work and what you hope to take from the course."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    field_order = ["statement", "country", "agency_type", "gender", "professional_role"]


class BulkInvitationForm(NoColonMixin, forms.Form):
    rows = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        help_text=_(
            "One person per line: e-mail, then optionally name and two-letter country, separated by commas."
        ),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
    csv_file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_("Same columns: email, name, country. A header row is skipped."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("csv_file")
        text = data.get("rows", "")
        if upload:
            if upload.size > MAX_CSV_BYTES:
                raise forms.ValidationError(_("The file is too large (512 KB at most)."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("Save the file as UTF-8 CSV and upload it again.")) from error
        if not text.strip():
            raise forms.ValidationError(_("Paste some e-mail addresses or upload a CSV file."))
        data["text"] = text
        return data


class CompletionForm(NoColonMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        help_text=_("Required when the completion rule is not met: it is kept in the audit log."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NudgeForm(NoColonMixin, forms.Form):
    message = forms.CharField(label=_("Personal message"), required=False, max_length=2000)


class FeedbackForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = FeedbackResponse
        fields = [
            "relevance",
            "impact_investigating",
            "impact_prosecuting",
            "impact_adjudicating",
            "impact_cooperating",
            "comments",
        ]
        labels = {
            "relevance": _("How relevant was the course to your work?"),
            "impact_investigating": _("Investigating"),
            "impact_prosecuting": _("Prosecuting"),
            "impact_adjudicating": _("Adjudicating"),
            "impact_cooperating": _("Cooperating internationally"),
            "comments": _("Comments"),
        }
        help_texts = {"relevance": _("1 = not at all, 5 = very relevant.")}
        widgets = {
            "relevance": forms.RadioSelect,
            "impact_investigating": forms.RadioSelect,
            "impact_prosecuting": forms.RadioSelect,
            "impact_adjudicating": forms.RadioSelect,
            "impact_cooperating": forms.RadioSelect,
            "comments": forms.Textarea(attrs={"rows": 5}),
        }

    IMPACT_FIELDS = (
        "impact_investigating",
        "impact_prosecuting",
        "impact_adjudicating",
        "impact_cooperating",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("relevance", *self.IMPACT_FIELDS):
            # No "---------" radio: an impact question left unanswered means "not part of my work".
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]

    def impact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.IMPACT_FIELDS]


class VerifyForm(NoColonMixin, forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("As printed on the certificate, like ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 18}),
    )
