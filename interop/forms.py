from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .packaging import FORMAT_CC, FORMAT_SCORM


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Package format"),
        choices=[
            (FORMAT_CC, _("IMS Common Cartridge 1.3 (Moodle, Canvas, Blackboard, Brightspace)")),
            (FORMAT_SCORM, _("SCORM 1.2 (records progress and completion in your LMS)")),
        ],
        widget=forms.RadioSelect,
        initial=FORMAT_CC,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("Readings not yet translated into this language are exported in English."),
    )
