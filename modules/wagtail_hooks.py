from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CaseDigest, GlossaryTerm, LegalInstrument, TranslationRequest


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    list_display = ["term", "slug", "locale"]
    search_fields = ["term", "definition"]


class LegalInstrumentViewSet(SnippetViewSet):
    model = LegalInstrument
    icon = "list-ul"
    list_display = ["title", "year", "depositary", "locale"]
    search_fields = ["title", "short_title"]


class CaseDigestViewSet(SnippetViewSet):
    model = CaseDigest
    icon = "doc-full"
    list_display = ["title", "jurisdiction", "year", "locale"]
    search_fields = ["title", "facts"]


class TranslationRequestViewSet(SnippetViewSet):
    model = TranslationRequest
    icon = "globe"
    menu_label = "Translation requests"
    list_display = ["page", "language", "created_at"]
    list_filter = ["language"]
    inspect_view_enabled = True


class CurriculumSnippets(SnippetViewSetGroup):
    menu_label = "Curriculum references"
    menu_icon = "folder-open-inverse"
    items = (GlossaryTermViewSet, LegalInstrumentViewSet, CaseDigestViewSet, TranslationRequestViewSet)


register_snippet(CurriculumSnippets)
