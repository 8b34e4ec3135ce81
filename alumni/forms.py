from django import forms
from django.utils.translation import gettext_lazy as _

from courses.forms import NoColonMixin
from courses.models import Enrolment

from .countries import country_choices
from .models import DIRECTORY_LANGUAGES, DirectoryProfile, Subscription, Theme, Update

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SubscriptionForm(NoColonMixin, forms.Form):
    themes = forms.MultipleChoiceField(
        label=_("Themes I follow"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    digest = forms.ChoiceField(
        label=_("E-mail digest of new developments"),
        choices=Subscription.Digest.choices,
        widget=forms.RadioSelect,
        help_text=_("Sent in your language, only when something was published in a theme you follow."),
    )


class UpdateForm(NoColonMixin, forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    kind = forms.ChoiceField(label=_("Kind of development"), choices=Update.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("What happened, and why it matters"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italics*, - lists, > quotes, [links](https://…)."),
    )
    link = forms.URLField(
        label=_("Link to the source (optional)"), required=False, max_length=500, assume_scheme="https"
    )


class ProfileForm(NoColonMixin, forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who sees my profile"), choices=DirectoryProfile.Visibility.choices, widget=forms.RadioSelect
    )
    display_name = forms.CharField(
        label=_("Name or pseudonym"), max_length=80, help_text=_("How you appear in the directory.")
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, widget=forms.Select(attrs={"autocomplete": "country"})
    )
    agency_type = forms.ChoiceField(
        label=_("Agency"), choices=[("", "—"), *Enrolment.AgencyType.choices], required=False
    )
    role = forms.CharField(label=_("Role"), max_length=120, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages I work in"),
        choices=DIRECTORY_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes of my expertise"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expertise = forms.CharField(
        label=_("Expertise"), max_length=600, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_preference = forms.ChoiceField(
        label=_("Contact preference"),
        choices=DirectoryProfile.ContactPreference.choices,
        widget=forms.RadioSelect,
    )
    contact_note = forms.CharField(
        label=_("Note for accepted contacts"),
        max_length=300,
        required=False,
        help_text=_(
            "Sent only by e-mail, only to people whose request you accept: a phone number, office hours."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]


class DirectorySearchForm(NoColonMixin, forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", _("Any theme")), *Theme.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *DIRECTORY_LANGUAGES], required=False
    )

    def __init__(self, *args, countries: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *country_choices(countries)]


class ContactRequestForm(NoColonMixin, forms.Form):
    message = forms.CharField(
        label=_("A short message (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say who you are and why you would like to be in touch. No e-mail addresses."),
    )


class DecisionForm(NoColonMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class ImpactForm(NoColonMixin, forms.Form):
    applied_in_case = forms.TypedChoiceField(
        label=_("Have you applied what you learned in a case?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    applied_in_request = forms.TypedChoiceField(
        label=_("…in a request for mutual legal assistance or extradition?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    applied_in_draft_law = forms.TypedChoiceField(
        label=_("…in a draft law or regulation?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CohortAlumniForm(NoColonMixin, forms.Form):
    include_all_participants = forms.BooleanField(
        label=_(
            "Everyone who took part becomes an alumnus when the cohort ends, not only those who completed"
        ),
        required=False,
    )


class RemoveMemberForm(NoColonMixin, forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (kept in the record)"), max_length=2000)
