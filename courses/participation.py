"""How `courses` learns how much each member has posted, without importing `forums`.

`forums` registers a counter at start-up (its AppConfig.ready); the roster and the
completion rule ask here. One query per cohort, whatever its size.
"""

from collections.abc import Callable
from datetime import date

from .models import Cohort

# (user_id, local date in the cohort's time zone) -> number of posts
DailyPostCounter = Callable[[Cohort, list[int] | None], dict[tuple[int, date], int]]
_counters: list[DailyPostCounter] = []


def register_post_counter(counter: DailyPostCounter) -> None:
    if counter not in _counters:
        _counters.append(counter)


def posts_by_week(cohort: Cohort, user_ids: list[int] | None = None) -> dict[tuple[int, int], int]:
    """(user_id, week number) -> posts written that week (days outside the run are clamped)."""
    totals: dict[tuple[int, int], int] = {}
    for counter in _counters:
        for (user_id, day), count in counter(cohort, user_ids).items():
            week = min(max((day - cohort.start_date).days // 7 + 1, 1), cohort.weeks)
            totals[(user_id, week)] = totals.get((user_id, week), 0) + count
    return totals
