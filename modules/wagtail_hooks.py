from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CaseDigest, GlossaryTerm, LegalInstrument


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


class CurriculumSnippets(SnippetViewSetGroup):
    menu_label = "Curriculum references"
    menu_icon = "folder-open-inverse"
    items = (GlossaryTermViewSet, LegalInstrumentViewSet, CaseDigestViewSet)


register_snippet(CurriculumSnippets)
