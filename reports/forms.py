"""The dashboard's filters (a GET form) and the drill-down parameters of record lists."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale

from courses.forms import FeedbackForm
from courses.models import Cohort, Course, Enrolment
from modules.models import ModulePage

from .policies import ReportScope, can_see_central_programme
from .regions import REGIONS

CENTRAL = "central"
NOT_GIVEN = "none"
IMPACT_FIELDS = FeedbackForm.IMPACT_FIELDS
SCORES = tuple(range(1, 6))


def impact_label(field: str) -> str:
    """The question as the survey asks it (one wording for the survey and the report)."""
    return str(FeedbackForm.Meta.labels[field])


@dataclass(frozen=True)
class Filters:
    """What the viewer chose; the scope (what they may see) is applied separately."""

    date_from: date | None = None
    date_to: date | None = None
    course: Course | None = None
    module: ModulePage | None = None
    institution_id: int | None = None
    central_only: bool = False
    cohort: Cohort | None = None
    language: str = ""
    institution_name: str = ""

    def params(self) -> dict[str, str]:
        values = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "course": str(self.course.pk) if self.course else "",
            "module": str(self.module.pk) if self.module else "",
            "institution": CENTRAL if self.central_only else str(self.institution_id or ""),
            "cohort": str(self.cohort.pk) if self.cohort else "",
            "language": self.language,
        }
        return {k: v for k, v in values.items() if v}

    def querystring(self, **extra: object) -> str:
        params = {**self.params(), **{k: str(v) for k, v in extra.items() if v not in (None, "")}}
        return urlencode(params)

    @property
    def is_empty(self) -> bool:
        return not self.params()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class FilterForm(forms.Form):
    date_from = forms.DateField(label=_("Cohorts starting from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("until"), required=False, widget=DateInput())
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.none(), required=False, empty_label=_("All courses")
    )
    module = forms.ModelChoiceField(
        label=_("Module"), queryset=ModulePage.objects.none(), required=False, empty_label=_("All modules")
    )
    institution = forms.ChoiceField(label=_("Institution"), required=False)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False, empty_label=_("All cohorts")
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *settings.LANGUAGES]
    )

    def __init__(self, *args, scope: ReportScope, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["course"].queryset = Course.objects.order_by("title")
        self.fields["module"].queryset = (
            ModulePage.objects.filter(locale__language_code=Locale.get_default().language_code)
            .live()
            .order_by("path")
        )
        self.fields["cohort"].queryset = scope.cohorts().order_by("-start_date", "title")
        choices = [("", _("All institutions"))]
        if can_see_central_programme(scope):
            choices.append((CENTRAL, _("Central programme (no institution)")))
        choices += [(str(i.pk), i.name) for i in scope.institutions().order_by("name")]
        self.fields["institution"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        institution = data.get("institution") or ""
        return Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            course=data.get("course"),
            module=data.get("module"),
            institution_id=int(institution) if institution.isdigit() else None,
            central_only=institution == CENTRAL,
            cohort=data.get("cohort"),
            language=data.get("language") or "",
            institution_name=str(dict(self.fields["institution"].choices).get(institution, ""))
            if institution
            else "",
        )


def _with_not_given(choices: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [("", ""), (NOT_GIVEN, _("Not given")), *choices]


class DrillForm(forms.Form):
    """What narrows a record list beyond the filters: the row or bar a link came from."""

    MEASURES = [("enrolled", _("Enrolled")), ("completed", _("Completed")), ("active", _("Active"))]

    measure = forms.ChoiceField(choices=[("", ""), *MEASURES], required=False)
    country = forms.CharField(
        required=False, max_length=4, validators=[RegexValidator(r"^([A-Za-z]{2}|none)$")]
    )
    region = forms.ChoiceField(choices=_with_not_given(list(REGIONS.items())), required=False)
    agency = forms.ChoiceField(choices=_with_not_given(Enrolment.AgencyType.choices), required=False)
    # No gender or role: those answers are reported as counts only, never as a list of people.
    quarter = forms.CharField(required=False, validators=[RegexValidator(r"^\d{4}-Q[1-4]$")])
    week = forms.IntegerField(required=False, min_value=1, max_value=60)
    relevance = forms.TypedChoiceField(
        choices=[("", ""), *[(s, s) for s in SCORES]], coerce=int, required=False, empty_value=None
    )
    dimension = forms.ChoiceField(choices=[("", ""), *[(f, f) for f in IMPACT_FIELDS]], required=False)
    score = forms.TypedChoiceField(
        choices=[("", ""), *[(s, s) for s in SCORES]], coerce=int, required=False, empty_value=None
    )
    wave = forms.TypedChoiceField(
        choices=[("", ""), (3, 3), (6, 6)], coerce=int, required=False, empty_value=None
    )
    applied = forms.ChoiceField(
        choices=[("", ""), ("case", "case"), ("request", "request"), ("draft_law", "draft_law")],
        required=False,
    )
    page = forms.IntegerField(required=False, min_value=1)

    def clean_country(self) -> str:
        value = self.cleaned_data["country"]
        return value if value == NOT_GIVEN else value.upper()

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("dimension")) != bool(data.get("score")):
            raise forms.ValidationError("dimension and score go together")
        return data

    def drill(self) -> dict[str, object]:
        """The drill-down parameters that were given (page excluded)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "") and k != "page"}
