"""How a discussion space appears as a room on the site. Forums' room views (room, thread,
posting, post actions, moderation) and templates are written once, against a RoomContext; each
place that has rooms says how its room is found from the URL, which URL names address it, how
its pages are titled and framed, and what it adds. A cohort's room is `CohortRoomContext`; the
alumni community subclasses RoomContext in its own app (forums does not import alumni).

A context is only built after forums.policies said the person may read the space: `locate`
answers 404 otherwise, so a room one may not see does not reveal that it exists."""

from typing import ClassVar, Self

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort

from . import policies, services
from .models import Space, Thread


class RoomContext:
    """One space's room pages: URLs (by name, in `namespace`, with the place's own URL
    arguments), title, breadcrumbs, templates, and the hooks a place overrides."""

    namespace: ClassVar[str]
    room_template: ClassVar[str] = "forums/room.html"
    moderation_template: ClassVar[str] = "forums/moderation.html"
    # Post actions (forums.views.POST_ACTIONS) that make no sense in this place: 404.
    unsupported_post_actions: ClassVar[frozenset[str]] = frozenset()
    held_message: ClassVar[Promise] = _("Your post is waiting for a tutor's approval.")
    premoderation_notice: ClassVar[Promise] = _("New posts are checked by a tutor before others see them.")

    def __init__(
        self, *, space: Space, access: policies.SpaceAccess, url_kwargs: dict[str, object], name: str
    ) -> None:
        self.space = space
        self.access = access
        self.url_kwargs = url_kwargs
        self.name = name  # what the room is called on its own (moderation page)

    @classmethod
    def locate(cls, request: HttpRequest, **url_kwargs: str) -> Self:
        """The room the URL names, if this person may read it; 404 otherwise."""
        raise NotImplementedError

    def url(self, name: str, **kwargs: object) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs={**self.url_kwargs, **kwargs})

    def thread_url(self, thread: Thread) -> str:
        # The general thread is what the room page shows: one address for it.
        if thread.kind == Thread.Kind.GENERAL:
            return self.url("room")
        return self.url("thread", thread_id=thread.pk)

    @property
    def title(self) -> str:
        """The room in a page title, after the thread's title."""
        return self.name

    @property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        """(label, URL) above the room pages."""
        raise NotImplementedError

    @property
    def moderation_breadcrumbs(self) -> list[tuple[str, str]]:
        return [(self.name, self.url("room"))]

    def room_extra(self, request: HttpRequest) -> dict:
        """What the place adds to the room page's context (asked only when it is rendered)."""
        return {}

    def moderation_extra(self, request: HttpRequest) -> dict:
        return {}

    def moderate(self, request: HttpRequest, action: str) -> bool:
        """A moderation action of the place's own (forums' are handled before); False if unknown.
        Raises ServiceError like forums' actions."""
        return False


class CohortRoomContext(RoomContext):
    """A cohort's room, at /<lang>/cohorts/<slug>/room/."""

    namespace = "forums"

    @classmethod
    def locate(cls, request: HttpRequest, *, cohort_slug: str) -> Self:
        cohort = get_object_or_404(Cohort.objects.select_related("course", "institution"), slug=cohort_slug)
        space = (
            Space.objects.filter(cohort=cohort)
            .select_related("cohort__course", "cohort__institution")
            .first()
        )
        if space is None:
            space = services.cohort_space_ensure(cohort)
        access = policies.space_access(request.user, space)
        if not policies.can_read(access):
            # Not a member: as if the room did not exist (no leak of who is in which cohort).
            raise Http404
        return cls(space=space, access=access, url_kwargs={"cohort_slug": cohort.slug}, name=cohort.title)

    @property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        return [(self.name, reverse("courses:dashboard", args=[self.space.cohort.slug]))]

    def room_extra(self, request: HttpRequest) -> dict:
        return {"cohort": self.space.cohort}

    def moderation_extra(self, request: HttpRequest) -> dict:
        return {"cohort": self.space.cohort}
