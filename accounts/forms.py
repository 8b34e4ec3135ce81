"""Forms for the account pages. They check the shape of input; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class NoColonMixin:
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProfileForm(NoColonMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "pseudonym"]


class DeleteAccountForm(NoColonMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is removed for good and cannot be restored."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
