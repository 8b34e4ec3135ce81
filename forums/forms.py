from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Reaction


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: **bold**, *italics*, - lists, > quotes, [links](https://…)."),
    )
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class PostEditForm(forms.Form):
    body = forms.CharField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italics*, - lists, > quotes, [links](https://…)."),
        error_messages={"required": _("Write something, or delete the post instead.")},
    )


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    field_order = ["title", "body", "client_id"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class MuteForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.IntegerField(label=_("Minutes (0 lifts the mute)"), min_value=0)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ConfigureForm(forms.Form):
    slow_mode_seconds = forms.IntegerField(label=_("Slow mode (seconds between posts, 0 = off)"), min_value=0)
    premoderated = forms.BooleanField(label=_("Hold new posts for approval"), required=False)


class ResolveFlagForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=2000)
