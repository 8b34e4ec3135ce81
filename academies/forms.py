"""Forms for the institution pages. They check the shape of input; the rules live in services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.forms import NoColonMixin


class NominationForm(NoColonMixin, forms.Form):
    name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation goes to this address if the tutors accept."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    professional_role = forms.CharField(
        label=_("Professional role"), max_length=200, help_text=_("For example: investigating judge.")
    )
    agency = forms.CharField(label=_("Agency"), max_length=200, help_text=_("Court, office or service."))
    note = forms.CharField(
        label=_("Note to the tutors (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, institutions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if institutions and len(institutions) > 1:
            self.fields["institution"] = forms.ChoiceField(
                label=_("On behalf of"), choices=[(i.pk, i.name) for i in institutions]
            )


class DecisionForm(NoColonMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


class CohortSettingsForm(NoColonMixin, forms.Form):
    requires_nomination = forms.BooleanField(
        label=_("Self-applications need a nomination"),
        required=False,
        help_text=_("Only officials an institution has nominated for this cohort may apply."),
    )
    training_of_trainers = forms.BooleanField(
        label=_("Training-of-trainers cohort"),
        required=False,
        help_text=_("Its graduates can be made co-tutors of their institution's cohorts."),
    )
    open_to_all_institutions = forms.BooleanField(
        label=_("Any institution may nominate"),
        required=False,
        help_text=_("For cohorts no institution owns. Programme staff only."),
    )

    def __init__(self, *args, show_open: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not show_open:
            del self.fields["open_to_all_institutions"]


class PromotionForm(NoColonMixin, forms.Form):
    graduation = forms.IntegerField(widget=forms.HiddenInput)
    cohort = forms.ChoiceField(label=_("Co-tutor of"))

    def __init__(self, *args, cohorts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [(c.pk, c.title) for c in cohorts]


class PersonForm(NoColonMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Of someone who already has an account."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class ProgrammeForm(NoColonMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    target_audience = forms.CharField(
        label=_("Target audience"),
        max_length=2000,
        help_text=_("Who the programme is for, for example: newly appointed judges."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("Shown to everyone. Otherwise only to the institution's people."),
    )


HOURS_FIELD = {
    "label": _("Hours"),
    "min_value": Decimal("0.5"),
    "max_value": Decimal("999"),
    "decimal_places": 1,
    "step_size": Decimal("0.5"),
}


class UnitAddForm(NoColonMixin, forms.Form):
    page = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    hours = forms.DecimalField(**HOURS_FIELD, widget=forms.NumberInput(attrs={"step": "0.5", "size": 5}))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)

    def __init__(self, *args, groups=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = [
            ("", _("Choose…")),
            *[(label, [(c.page_id, c.label) for c in choices]) for label, choices in groups],
        ]


class UnitUpdateForm(NoColonMixin, forms.Form):
    hours = forms.DecimalField(**HOURS_FIELD, widget=forms.NumberInput(attrs={"step": "0.5", "size": 5}))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AdaptForm(NoColonMixin, forms.Form):
    section = forms.TypedChoiceField(label=_("Into the section of"), coerce=int)
    title = forms.CharField(
        label=_("Title of the adapted copy"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to keep the reading's title."),
    )

    def __init__(self, *args, sections=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.pk, s.title) for s in sections]
