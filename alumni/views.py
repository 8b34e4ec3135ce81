"""HTTP for the alumni community. Thin: every page asks alumni.policies (and, for the rooms,
forums.policies) whether the person may see it; every write goes through alumni.services or,
for discussion, forums.services. Plain forms throughout. The rooms are forums' own room views
and templates, given an AlumniRoomContext."""

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from courses import policies as course_policies
from courses.models import Cohort, Enrolment
from forums import policies as forum_policies
from forums.rooms import RoomContext
from lms.errors import ServiceError

from . import policies, selectors, services
from .forms import (
    CohortAlumniForm,
    ContactRequestForm,
    DecisionForm,
    DirectorySearchForm,
    ImpactForm,
    ProfileForm,
    RemoveMemberForm,
    SubscriptionForm,
    UpdateForm,
)
from .models import AlumniRoom, ContactRequest, DirectoryProfile, Subscription, Theme, Update, Wave


def _standing(request: HttpRequest) -> policies.Standing:
    if not hasattr(request, "_alumni_standing"):
        request._alumni_standing = policies.standing(request.user)
    return request._alumni_standing


def _not_member(request: HttpRequest) -> HttpResponse:
    return render(request, "alumni/not_member.html", status=HTTPStatus.FORBIDDEN)


def member_view(view: Callable) -> Callable:
    """Members of the community only; anonymous visitors go to the login page."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        who = _standing(request)
        if not policies.can_enter(who):
            return _not_member(request)
        return view(request, who, *args, **kwargs)

    return wrapper


# ---- home -------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    who = _standing(request)
    if not policies.can_enter(who):
        return render(request, "alumni/not_member.html", {"archives": selectors.archives_for(request.user)})
    if not AlumniRoom.objects.exists():  # a fresh site: the shared rooms appear on first visit
        services.alumni_rooms_ensure()
    tutored = selectors.tutored_cohorts(request.user) if who.is_tutor else []
    subscription = selectors.subscription_for(request.user)
    followed = subscription.themes if subscription else []
    pending = selectors.pending_requests_count(request.user)
    return render(
        request,
        "alumni/home.html",
        {
            "who": who,
            "rooms": selectors.rooms_for(who),
            "updates": selectors.updates(themes=followed or None, limit=5),
            "followed": followed,
            "archives": selectors.archives_for(request.user),
            "tutored": tutored,
            "surveys": selectors.open_surveys(who),
            "pending_requests": pending,
            "can_publish": policies.can_publish_update(who),
        },
    )


# ---- rooms ------------------------------------------------------------------------------------
# The rooms are forums' room views and templates (alumni/urls.py passes this context to them);
# what is alumni's own is here: how a room is found, its URLs, frame and side bar, and removal.


class AlumniRoomContext(RoomContext):
    """An alumni room, at /<lang>/alumni/<key>/room/. Who may read, post and moderate is
    forums.policies asking alumni.policies (the provider AlumniConfig registers)."""

    namespace = "alumni"
    room_template = "alumni/room.html"
    moderation_template = "alumni/moderation.html"
    unsupported_post_actions = frozenset({"notable"})  # marks passage comments for later cohorts
    held_message = gettext_lazy("Your post is waiting for a moderator's approval.")
    premoderation_notice = gettext_lazy("New posts are checked by a moderator before others see them.")

    def __init__(self, room: AlumniRoom, access: forum_policies.SpaceAccess) -> None:
        super().__init__(space=room.space, access=access, url_kwargs={"key": room.key}, name=room.label)
        self.room = room

    @classmethod
    def locate(cls, request: HttpRequest, *, key: str) -> "AlumniRoomContext":
        room = get_object_or_404(AlumniRoom.objects.select_related("space", "institution"), key=key)
        access = forum_policies.space_access(request.user, room.space)
        if not forum_policies.can_read(access):
            # Not for this person: as if it did not exist (private rooms do not reveal themselves).
            raise Http404
        return cls(room, access)

    @property
    def title(self) -> str:
        return f"{self.room.label} · {_('Alumni')}"

    @property
    def breadcrumbs(self) -> list[tuple[str, str]]:
        return [(_("Alumni community"), reverse("alumni:home")), (self.room.label, self.url("room"))]

    @property
    def moderation_breadcrumbs(self) -> list[tuple[str, str]]:
        return self.breadcrumbs

    def room_extra(self, request: HttpRequest) -> dict:
        theme = self.room.theme
        return {
            "room": self.room,
            "rooms": selectors.rooms_for(_standing(request)),
            "theme_updates": selectors.updates(theme=theme, limit=3) if theme else [],
        }

    def moderation_extra(self, request: HttpRequest) -> dict:
        return {"room": self.room, "can_remove": policies.can_remove_member(_standing(request))}

    def moderate(self, request: HttpRequest, action: str) -> bool:
        if action != "remove_member":
            return False
        form = RemoveMemberForm(request.POST)
        if not form.is_valid():
            raise ServiceError("reason_required", _("Give a reason: it is kept in the record."))
        # Only someone who wrote in this room can be removed from here.
        target = get_object_or_404(
            get_user_model().objects.filter(pk=form.cleaned_data["user"], posts__space=self.space).distinct()
        )
        services.member_remove(actor=request.user, user=target, reason=form.cleaned_data["reason"])
        return True


# ---- updates ----------------------------------------------------------------------------------


@member_view
def updates(request: HttpRequest, who: policies.Standing) -> HttpResponse:
    theme = request.GET.get("theme", "")
    if theme not in Theme.values:
        theme = ""
    return render(
        request,
        "alumni/updates.html",
        {
            "updates": selectors.updates(theme=theme),
            "theme": theme,
            "themes": Theme.choices,
            "can_publish": policies.can_publish_update(who),
        },
    )


@member_view
def update_detail(request: HttpRequest, who: policies.Standing, update_id: int) -> HttpResponse:
    update = get_object_or_404(Update.objects.select_related("author"), pk=update_id)
    return render(request, "alumni/update.html", {"update": update})


@member_view
@require_http_methods(["GET", "POST"])
def update_new(request: HttpRequest, who: policies.Standing) -> HttpResponse:
    if not policies.can_publish_update(who):
        raise DjangoPermissionDenied
    form = UpdateForm(request.POST or None, initial={"theme": request.GET.get("theme", "")})
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_publish(
                actor=request.user, language=request.LANGUAGE_CODE, **form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Published. Followers of this theme will see it in their next digest.")
            )
            return redirect("alumni:update", update.pk)
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "alumni/update_form.html", {"form": form}, status=status)


@member_view
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, who: policies.Standing) -> HttpResponse:
    subscription = selectors.subscription_for(request.user)
    initial = {
        "themes": subscription.themes if subscription else [],
        "digest": subscription.digest if subscription else Subscription.Digest.OFF,
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.subscription_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("alumni:settings")
    return render(request, "alumni/settings.html", {"form": form})


# ---- directory --------------------------------------------------------------------------------


@member_view
def directory(request: HttpRequest, who: policies.Standing) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None, countries=selectors.directory_countries(who))
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    entries, total = selectors.directory(
        who,
        country=filters.get("country", ""),
        theme=filters.get("theme", ""),
        language=filters.get("language", ""),
        page=page,
    )
    query = request.GET.copy()
    query.pop("page", None)
    pages = (total + selectors.DIRECTORY_PAGE_SIZE - 1) // selectors.DIRECTORY_PAGE_SIZE
    return render(
        request,
        "alumni/directory.html",
        {
            "form": form,
            "entries": entries,
            "total": total,
            "page": page,
            "pages": pages,
            "query": query.urlencode(),
            "own": selectors.profile_of(request.user),
        },
    )


def _owner_is_member(profile: DirectoryProfile) -> bool:
    return selectors.community_members().filter(pk=profile.user_id).exists()


@member_view
def profile_detail(request: HttpRequest, who: policies.Standing, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(
        DirectoryProfile.objects.prefetch_related("languages", "themes"), pk=profile_id
    )
    owner_is_member = _owner_is_member(profile)
    if not policies.can_view_profile(who, profile, owner_is_member):
        raise Http404  # a hidden profile is indistinguishable from none
    own = selectors.profile_of(request.user)
    status = selectors.open_requests_with(request.user.pk, [profile.user_id]).get(profile.user_id, "")
    return render(
        request,
        "alumni/profile.html",
        {
            "profile": profile,
            "is_own": profile.user_id == request.user.pk,
            "own": own,
            "request_status": status,
            "can_request": policies.can_request_contact(who, own, profile, owner_is_member) and not status,
            "form": ContactRequestForm(),
        },
    )


@member_view
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest, who: policies.Standing) -> HttpResponse:
    profile = selectors.profile_of(request.user)
    if profile is not None:
        initial = {
            "visibility": profile.visibility,
            "display_name": profile.display_name,
            "country": profile.country,
            "agency_type": profile.agency_type,
            "role": profile.role,
            "expertise": profile.expertise,
            "languages": [row.code for row in profile.languages.all()],
            "themes": [row.theme for row in profile.themes.all()],
            "contact_preference": profile.contact_preference,
            "contact_note": profile.contact_note,
        }
    else:
        latest = (
            Enrolment.objects.filter(user=request.user)
            .exclude(agency_type="")
            .order_by("-created_at")
            .first()
        )
        initial = {
            "visibility": DirectoryProfile.Visibility.HIDDEN,
            "display_name": request.user.public_name,
            "country": request.user.country,
            "agency_type": latest.agency_type if latest else "",
            "languages": [request.LANGUAGE_CODE.split("-")[0]],
            "contact_preference": DirectoryProfile.ContactPreference.REQUESTS,
        }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(user=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your directory profile is saved."))
            return redirect("alumni:my_profile")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "alumni/my_profile.html", {"form": form, "profile": profile}, status=status)


@member_view
@require_POST
def contact_request(request: HttpRequest, who: policies.Standing, profile_id: int) -> HttpResponse:
    profile = get_object_or_404(DirectoryProfile.objects.select_related("user"), pk=profile_id)
    if not policies.can_view_profile(who, profile, _owner_is_member(profile)):
        raise Http404
    form = ContactRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check your message."))
        return redirect("alumni:profile", profile.pk)
    try:
        services.contact_request_send(
            sender=request.user, profile=profile, message=form.cleaned_data["message"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your request is sent. You will hear by e-mail if it is accepted."))
    return redirect("alumni:profile", profile.pk)


@member_view
def contacts(request: HttpRequest, who: policies.Standing) -> HttpResponse:
    box = selectors.contact_requests(request.user)
    return render(request, "alumni/contacts.html", {"box": box, "form": DecisionForm()})


@member_view
@require_POST
def contact_decide(request: HttpRequest, who: policies.Standing, request_id: int) -> HttpResponse:
    contact = get_object_or_404(ContactRequest, pk=request_id, recipient=request.user)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("alumni:contacts")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.contact_request_decide(user=request.user, request=contact, accept=accept)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Accepted: we have sent you both an e-mail introduction.") if accept else _("Declined."),
        )
    return redirect("alumni:contacts")


# ---- impact follow-up -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def impact(request: HttpRequest, enrolment_id: int, wave: int) -> HttpResponse:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("cohort"), pk=enrolment_id, user=request.user
    )
    if wave not in Wave.values:
        raise Http404
    who = _standing(request)
    answered = enrolment.impact_responses.filter(wave=wave).exists()
    if not answered and not policies.can_answer_impact(who, enrolment, wave):
        return render(
            request, "alumni/impact_closed.html", {"enrolment": enrolment}, status=HTTPStatus.FORBIDDEN
        )
    form = ImpactForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.impact_response_submit(
                user=request.user, enrolment=enrolment, wave=wave, **form.cleaned_data
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: your answer helps show what the training changes."))
            return redirect("alumni:impact", enrolment.pk, wave)
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(
        request,
        "alumni/impact.html",
        {"enrolment": enrolment, "wave_label": Wave(wave).label, "form": form, "answered": answered},
        status=status,
    )


# ---- tutors: who becomes an alumnus -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cohort_setting(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(
        Cohort.objects.select_related("course", "institution", "alumni_setting"), slug=slug
    )
    if not policies.can_set_cohort_alumni(course_policies.cohort_access(request.user, cohort)):
        raise DjangoPermissionDenied
    setting = getattr(cohort, "alumni_setting", None)
    form = CohortAlumniForm(
        request.POST or None,
        initial={"include_all_participants": bool(setting and setting.include_all_participants)},
    )
    if request.method == "POST" and form.is_valid():
        services.cohort_alumni_setting_set(
            actor=request.user,
            cohort=cohort,
            include_all_participants=form.cleaned_data["include_all_participants"],
        )
        messages.success(request, _("Saved."))
        return redirect("alumni:cohort", cohort.slug)
    return render(
        request,
        "alumni/cohort.html",
        {
            "cohort": cohort,
            "form": form,
            "alumni_count": selectors.alumni_of_cohort(cohort).count(),
            "ended": cohort.state() == Cohort.State.ENDED,
        },
    )
