"""What forums plugs into other apps' pages (registered in ForumsConfig.ready)."""

from django.http import HttpRequest

from . import policies, selectors, services
from .models import Space


def cohort_reading_layer(request: HttpRequest, cohort_access, page) -> selectors.PassageLayer | None:
    """The cohort's passage comments on a reading; None for anyone who may not read them."""
    cohort = cohort_access.cohort
    space = Space.objects.filter(cohort=cohort).select_related("cohort").first()
    if space is None:
        space = services.cohort_space_ensure(cohort)
    access = policies.space_access(request.user, space)
    if not policies.can_read(access):
        return None
    can_seed = access.can_moderate and policies.can_seed(request.user, cohort.course)
    return selectors.passage_layer(space, access, page, can_seed=can_seed)
