"""Programme staff manage institutions, courses (with their weeks) and cohorts in /admin/."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Cohort, Course, Enrolment, Institution


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "site"
    menu_label = _("Institutions")
    list_display = ["name", "country", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("country"), FieldPanel("kind"), FieldPanel("admins")]


class CourseViewSet(SnippetViewSet):
    # The panels, weeks inline, are declared on the model (Course.panels).
    model = Course
    icon = "doc-full-inverse"
    menu_label = _("Courses")
    list_display = ["title", "slug", "hours"]
    search_fields = ["title", "description"]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    list_display = ["title", "course", "start_date", "current_state_label", "institution"]
    list_filter = ["course", "institution", "language"]
    search_fields = ["title", "slug"]
    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("slug"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("weeks")]),
                FieldPanel("time_zone"),
                FieldPanel("language"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("institution"),
                FieldPanel("accepts_codes"),
                FieldPanel("invitation_code"),
                FieldPanel("accepts_applications"),
                FieldPanel("pseudonyms_allowed"),
            ],
            heading=_("Enrolment"),
        ),
    ]


class EnrolmentViewSet(SnippetViewSet):
    # Tutors are given their cohorts here; trainees normally enrol themselves.
    model = Enrolment
    icon = "user"
    menu_label = _("Enrolments")
    list_display = ["user", "cohort", "role", "status", "country"]
    list_filter = ["role", "status", "cohort"]
    search_fields = ["user__email", "user__display_name"]
    panels = [
        FieldPanel("user"),
        FieldPanel("cohort"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("status")]),
        FieldRowPanel([FieldPanel("country"), FieldPanel("agency_type")]),
        FieldPanel("statement"),
        FieldPanel("completion_override_reason", read_only=True),
    ]


class CohortSnippets(SnippetViewSetGroup):
    menu_label = _("Cohorts")
    menu_icon = "group"
    menu_order = 250
    items = (CourseViewSet, CohortViewSet, EnrolmentViewSet, InstitutionViewSet)


register_snippet(CohortSnippets)
