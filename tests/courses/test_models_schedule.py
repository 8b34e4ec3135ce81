"""The weekly release: week N opens at midnight, cohort time, on start + 7·(N−1) days."""

from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core.exceptions import ValidationError

from courses.factories import CohortFactory, EnrolmentFactory
from courses.models import Cohort

pytestmark = pytest.mark.django_db


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("time_zone", "start", "week_1_utc", "week_2_utc"),
    [
        ("UTC", date(2025, 3, 3), utc(2025, 3, 3, 0), utc(2025, 3, 10, 0)),
        # Vienna springs forward on 30 March 2025: week 2 opens at 22:00 UTC, not 23:00.
        ("Europe/Vienna", date(2025, 3, 24), utc(2025, 3, 23, 23), utc(2025, 3, 30, 22)),
        # New York falls back on 2 November 2025: week 2 opens at 05:00 UTC, not 04:00.
        ("America/New_York", date(2025, 10, 27), utc(2025, 10, 27, 4), utc(2025, 11, 3, 5)),
        ("Asia/Kolkata", date(2025, 1, 6), utc(2025, 1, 5, 18, 30), utc(2025, 1, 12, 18, 30)),
        ("Pacific/Auckland", date(2025, 4, 1), utc(2025, 3, 31, 11), utc(2025, 4, 7, 12)),
    ],
)
def test_weeks_open_at_local_midnight_across_time_zones_and_dst(time_zone, start, week_1_utc, week_2_utc):
    cohort = CohortFactory(time_zone=time_zone, start_date=start)

    assert cohort.week_unlocks_at(1) == week_1_utc
    assert cohort.week_unlocks_at(2) == week_2_utc
    local = cohort.week_unlocks_at(2).astimezone(ZoneInfo(time_zone))
    assert (local.hour, local.minute) == (0, 0)
    assert cohort.starts_at == week_1_utc
    assert cohort.ends_at == cohort.week_unlocks_at(7)


def test_a_dst_week_is_an_hour_short_or_long_in_utc():
    spring = CohortFactory(time_zone="Europe/Vienna", start_date=date(2025, 3, 24))
    autumn = CohortFactory(time_zone="America/New_York", start_date=date(2025, 10, 27))
    assert spring.week_unlocks_at(2) - spring.week_unlocks_at(1) == timedelta(hours=167)
    assert autumn.week_unlocks_at(2) - autumn.week_unlocks_at(1) == timedelta(hours=169)


def test_time_travel_across_the_spring_dst_change_in_vienna():
    cohort = CohortFactory(time_zone="Europe/Vienna", start_date=date(2025, 3, 24))
    with time_machine.travel(utc(2025, 3, 30, 21, 59, 59), tick=False):
        assert cohort.current_week() == 1
        assert not cohort.is_week_open(2)
    with time_machine.travel(utc(2025, 3, 30, 22, 0, 0), tick=False):
        assert cohort.current_week() == 2
        assert cohort.is_week_open(2)
        assert not cohort.is_week_open(3)


def test_the_same_start_date_opens_at_different_instants_around_the_world():
    start = date(2025, 6, 2)
    kiritimati = CohortFactory(time_zone="Pacific/Kiritimati", start_date=start)  # UTC+14
    pago_pago = CohortFactory(time_zone="Pacific/Pago_Pago", start_date=start)  # UTC−11
    with time_machine.travel(utc(2025, 6, 1, 10, 0), tick=False):  # midnight 2 June at UTC+14
        assert kiritimati.state() == Cohort.State.RUNNING
        assert pago_pago.state() == Cohort.State.UPCOMING
        assert kiritimati.current_week() == 1 and pago_pago.current_week() == 0
    assert pago_pago.starts_at - kiritimati.starts_at == timedelta(hours=25)


def test_state_is_derived_from_dates_never_stored():
    cohort = CohortFactory(time_zone="UTC", start_date=date(2025, 1, 6), weeks=6)
    with time_machine.travel(utc(2025, 1, 5, 23, 59), tick=False):
        assert cohort.state() == Cohort.State.UPCOMING
        assert list(Cohort.objects.upcoming()) == [cohort]
    with time_machine.travel(utc(2025, 1, 6, 0, 0), tick=False):
        assert cohort.state() == Cohort.State.RUNNING
        assert list(Cohort.objects.running()) == [cohort]
    with time_machine.travel(utc(2025, 2, 16, 23, 59), tick=False):
        assert cohort.state() == Cohort.State.RUNNING
        assert cohort.current_week() == 6
    with time_machine.travel(utc(2025, 2, 17, 0, 0), tick=False):
        assert cohort.state() == Cohort.State.ENDED
        assert list(Cohort.objects.ended()) == [cohort]
        assert cohort.current_week() == 6
    assert cohort.last_day == date(2025, 2, 16)


def test_moving_the_start_date_moves_the_whole_schedule():
    cohort = CohortFactory(time_zone="UTC", start_date=date(2025, 1, 6))
    cohort.start_date = date(2025, 1, 13)
    cohort.save()
    cohort.refresh_from_db()
    assert cohort.starts_at == utc(2025, 1, 13)
    assert cohort.ends_at == utc(2025, 2, 24)


def test_unknown_time_zone_and_reserved_slug_are_refused():
    cohort = CohortFactory.build(time_zone="Mars/Olympus_Mons", slug="join")
    with pytest.raises(ValidationError) as error:
        cohort.full_clean(exclude=["course", "starts_at", "ends_at"])
    assert {"time_zone", "slug"} <= set(error.value.message_dict)


def test_time_travel_locked_reading_opens_at_local_midnight(client, course, readings):
    """Through the web: a week-2 reading is refused at 23:59 the night before, cohort time, then opens."""
    cohort = CohortFactory(course=course, time_zone="America/New_York", start_date=date(2025, 10, 27))
    trainee = EnrolmentFactory(cohort=cohort).user
    reading = readings[1][0]
    url = f"/en/cohorts/{cohort.slug}/readings/{reading.pk}/"
    secret = "Passage 1 of the reading"
    with time_machine.travel(utc(2025, 11, 3, 4, 59), tick=False):  # 23:59 EST on 2 November
        client.force_login(trainee)
        response = client.get(url)
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert reading.title in response.text
        assert "Nov. 3, 2025" in response.text
        assert secret not in response.text
    with time_machine.travel(utc(2025, 11, 3, 5, 0), tick=False):  # midnight, 3 November, New York
        client.force_login(trainee)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert secret in response.text
