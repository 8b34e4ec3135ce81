from django.http import HttpRequest, HttpResponse


def cohort_room(request: HttpRequest, cohort_slug: str) -> HttpResponse:
    raise NotImplementedError  # replaced by the discussion issue's work in progress
