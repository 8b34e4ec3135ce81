"""Figures checked against the small data set of conftest.py, computed by hand."""

import csv
import io
from http import HTTPStatus

import pytest

from reports import selectors
from reports.forms import Filters
from reports.policies import report_scope

pytestmark = pytest.mark.django_db


def results_for(user, **filters):
    return selectors.results(report_scope(user), Filters(**filters))


def test_headline_for_a_programme_manager(world):
    h = results_for(world.users["manager"]).headline
    # A1: u1, u2 (completed), u3 (withdrew); A2: u1, u6; B1: u7 (completed); C1: u8 (completed).
    assert (h.cohorts, h.enrolled, h.completed, h.withdrawn) == (4, 7, 4, 1)
    assert h.trained == 4  # u1, u2, u7, u8: u1 is one official though enrolled twice
    assert h.officials == 6  # u1, u2, u3, u6, u7, u8
    assert h.countries == 5  # KE, FR, JO, NZ, SN
    # Ended cohorts only: A1 (2 of 3), B1 (1 of 1), C1 (1 of 1); A2 is still running.
    assert (h.ended_enrolled, h.ended_completed, h.completion_rate) == (5, 4, 80.0)


def test_headline_for_the_admin_of_academy_a_counts_only_its_cohorts(world):
    h = results_for(world.users["admin_a"]).headline
    assert (h.cohorts, h.enrolled, h.completed, h.trained, h.countries) == (2, 5, 2, 2, 3)
    assert h.completion_rate == 66.7


def test_per_cohort_and_per_course(world):
    results = results_for(world.users["manager"])
    rows = {
        row.cohort.title: (row.enrolled, row.completed, row.feedback, row.ended) for row in results.cohorts
    }
    assert rows == {
        "Cohort A1": (3, 2, 2, True),
        "Cohort A2": (2, 0, 0, False),
        "Cohort B1": (1, 1, 1, True),
        "Cohort C1": (1, 1, 0, True),
    }
    [course] = results.courses
    assert (course.label, course.cohorts, course.enrolled, course.completed) == ("General course", 4, 7, 4)
    assert course.completion_rate == 57.1


def test_breakdowns_by_country_region_agency_gender_and_role(world):
    results = results_for(world.users["admin_a"])

    def table(rows):
        return {row.key: (row.enrolled, row.completed, row.trained) for row in rows}

    assert table(results.countries) == {"KE": (3, 2, 2), "FR": (1, 0, 0), "JO": (1, 0, 0)}
    assert table(results.regions) == {"002": (3, 2, 2), "150": (1, 0, 0), "142": (1, 0, 0)}
    assert table(results.agencies) == {
        "judiciary": (2, 1, 1),
        "police": (1, 1, 1),
        "prosecution": (1, 0, 0),
        "": (1, 0, 0),
    }
    assert table(results.genders) == {"woman": (1, 1, 1), "": (4, 1, 1)}
    assert table(results.roles) == {"judge": (1, 1, 1), "": (4, 1, 1)}


def test_weekly_engagement_by_course_week(world):
    weeks = {
        row.week: (row.readings, row.posts, row.active) for row in results_for(world.users["admin_a"]).weeks
    }
    # Week 1: readings by u1@A1, u2@A1, u3@A1, u1@A2; posts: u1's before A1 started, u1@A2.
    # Week 2: u1@A1 read and posted; u2's post after the end counts in the last week, the
    # deleted one does not; the tutor's post never counts.
    assert weeks == {1: (4, 2, 4), 2: (1, 2, 2)}
    everyone = {
        row.week: (row.readings, row.posts, row.active) for row in results_for(world.users["manager"]).weeks
    }
    assert everyone == {1: (5, 3, 5), 2: (2, 2, 3)}


def test_feedback_distributions(world):
    feedback = results_for(world.users["admin_a"]).feedback
    assert feedback.responses == 2
    assert feedback.relevance.counts == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    assert feedback.relevance.average == 4.5
    impact = {d.key: (d.counts, d.average) for d in feedback.impact}
    assert impact["impact_investigating"] == ({1: 0, 2: 0, 3: 0, 4: 1, 5: 0}, 4.0)
    assert impact["impact_prosecuting"] == ({1: 0, 2: 0, 3: 1, 4: 0, 5: 0}, 3.0)
    assert impact["impact_adjudicating"] == ({s: 0 for s in range(1, 6)}, None)
    assert results_for(world.users["manager"]).feedback.relevance.counts[1] == 1  # u7 in B1


def test_impact_follow_up_at_3_and_6_months(world):
    from reports.impact import waves

    def table(user):
        cohorts = selectors.selected_cohorts(report_scope(user), Filters())
        return {w.wave: (w.invited, w.responses, w.applied) for w in waves(cohorts)}

    assert table(world.users["admin_a"]) == {
        3: (3, 2, {"case": 1, "request": 1, "draft_law": 0}),
        6: (0, 0, {"case": 0, "request": 0, "draft_law": 0}),
    }
    assert table(world.users["manager"]) == {
        3: (4, 2, {"case": 1, "request": 1, "draft_law": 0}),
        6: (1, 1, {"case": 0, "request": 0, "draft_law": 1}),
    }


def test_the_follow_up_table_links_to_its_answers(client, world):
    client.force_login(world.users["admin_a"])
    page = client.get("/en/reports/").content.decode()
    assert "Impact follow-up at 3 and 6 months" in page
    assert "1 (50.0 %)" in page  # applied in a case: 1 of the 2 answers at 3 months
    answers = client.get("/en/reports/records/impact/?wave=3&applied=case").content.decode()
    assert "1 record behind the figure" in answers and "Una One" in answers
    csv_text = b"".join(client.get("/en/reports/tables/followup.csv").streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("After 3 months,3,2,66.7,1,1,0")


def test_quarterly_trends_follow_the_cohort_start(world):
    quarters = {
        q.key: (q.cohorts, q.enrolled, q.completed) for q in results_for(world.users["manager"]).quarters
    }
    assert quarters == {"2025-Q1": (2, 4, 3), "2025-Q2": (2, 3, 1)}


@pytest.mark.parametrize(
    ("filters", "cohorts"),
    [
        ({"language": "en"}, {"Cohort A1", "Cohort B1"}),
        ({"central_only": True}, {"Cohort C1"}),
        ({"institution_id": "b"}, {"Cohort B1"}),
        ({"date_from": "2025-04-01"}, {"Cohort A2", "Cohort B1"}),
        ({"date_from": "2025-03-01", "date_to": "2025-04-30"}, {"Cohort A1", "Cohort B1"}),
    ],
)
def test_filters_select_cohorts(world, filters, cohorts):
    import datetime as dt

    if filters.get("institution_id") == "b":
        filters["institution_id"] = world.academy_b.pk
    for key in ("date_from", "date_to"):
        if key in filters:
            filters[key] = dt.date.fromisoformat(filters[key])
    results = results_for(world.users["manager"], **filters)
    assert {row.cohort.title for row in results.cohorts} == cohorts


def test_module_filter_keeps_courses_that_use_the_module(world, curriculum, module):
    from courses.factories import CohortFactory, make_course
    from modules.factories import ModulePageFactory

    other_module = ModulePageFactory(parent=curriculum, title="Financing", slug="financing")
    other_course, _ = make_course(other_module, weeks=1, readings_per_week=1, title="Financing course")
    CohortFactory(course=other_course, title="Financing cohort")
    by_module = results_for(world.users["manager"], module=other_module)
    assert {row.cohort.title for row in by_module.cohorts} == {"Financing cohort"}
    foundations = {row.cohort.title for row in results_for(world.users["manager"], module=module).cohorts}
    assert foundations == {"Cohort A1", "Cohort A2", "Cohort B1", "Cohort C1"}


def test_the_dashboard_shows_the_figures_and_definitions(client, world):
    client.force_login(world.users["admin_a"])
    response = client.get("/en/reports/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "66.7 %" in page  # completion rate of ended cohorts
    assert 'href="/en/reports/records/enrolments/?measure=completed"' in page
    for term in ("Enrolled", "Completed", "Officials trained", "Active"):
        assert f"<dt>{term}</dt>" in page
    assert "status active, completed, withdrawn" in page  # made from definitions.ENROLLED_STATUSES


def test_table_csv_matches_the_page(client, world):
    client.force_login(world.users["manager"])
    response = client.get("/en/reports/tables/weeks.csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [
        ["Course week", "Readings read", "Posts", "Active participants"],
        ["1", "5", "3", "5"],
        ["2", "2", "2", "3"],
    ]


def test_records_behind_a_figure(client, world):
    client.force_login(world.users["admin_a"])
    response = client.get("/en/reports/records/enrolments/?measure=active&week=2")
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "2 records behind the figure" in page
    assert "Una One" in page and "Uwe Two" in page and "Ute Three" not in page
    readings = client.get("/en/reports/records/readings/?week=1").content.decode()
    assert "4 records behind the figure" in readings
    feedback = client.get("/en/reports/records/feedback/?relevance=5").content.decode()
    assert "1 record behind the figure" in feedback and "Una One" in feedback


def test_records_csv_neutralises_formulas(client, world):
    world.users["u2"].display_name = "=HYPERLINK(1)"
    world.users["u2"].save()
    client.force_login(world.users["manager"])
    response = client.get("/en/reports/records/enrolments.csv?measure=completed")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 4
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]
