"""Every write of the alumni app. Each function checks permission through alumni.policies,
validates, writes in one transaction and sends mail or revokes sockets only after commit.
Discussion in the alumni rooms goes through forums.services like any other space."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses import policies as course_policies
from courses.models import Cohort, Enrolment, Institution
from forums import events
from forums.models import Space, Thread
from forums.sanitize import render_post
from lms import ratelimit
from lms.errors import PermissionDenied, ServiceError

from . import policies, selectors
from .models import (
    DIRECTORY_LANGUAGES,
    AlumniRemoval,
    AlumniRoom,
    CohortAlumniSetting,
    ContactRequest,
    DigestDelivery,
    DirectoryProfile,
    ImpactInvitation,
    ImpactResponse,
    ProfileLanguage,
    ProfileTheme,
    Subscription,
    Theme,
    Update,
    Wave,
)

CONTACT_REQUESTS_PER_DAY = 10
# Anything that looks like an e-mail address: profiles and messages are shown on pages, and
# no address may ever reach a page (contact details travel by e-mail, on acceptance only).
EMAIL_PATTERN = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[a-z]{2,}", re.IGNORECASE)

SHARED_ROOMS: list[tuple[str, str, str, object]] = [
    # key, kind, theme, title (the stored title; pages show the translated label)
    ("general", AlumniRoom.Kind.GENERAL, "", gettext_lazy("Alumni: general room")),
    *[(theme.value, AlumniRoom.Kind.THEME, theme.value, theme.label) for theme in Theme],
]


def _revoke_after_commit(user_ids: Iterable[int]) -> None:
    """Every open socket of these people re-checks its access once the change is committed."""
    ids = list(user_ids)
    transaction.on_commit(lambda: [events.revoke_user(pk) for pk in ids])


def _language_of(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "preferred_language", "") or ""
    return language if language in codes else settings.LANGUAGE_CODE


def _message(user, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """An e-mail in the recipient's language (call inside translation.override)."""
    context = {
        **context,
        "recipient_name": user.public_name,
        "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        "language": translation.get_language(),
    }
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        str(subject), text, None, [user.email], headers={"Content-Language": translation.get_language()}
    )
    message.attach_alternative(html, "text/html")
    return message


def _mail_after_commit(user, subject_text, template: str, context: dict) -> None:
    def send() -> None:
        with translation.override(_language_of(user)):
            _message(user, str(subject_text()), template, context).send()

    transaction.on_commit(send)


def check_no_email(**fields: str) -> None:
    for name, value in fields.items():
        if value and EMAIL_PATTERN.search(value):
            raise ServiceError(
                "email_in_text",
                _(
                    "Please remove the e-mail address from “%(field)s”: addresses are never shown "
                    "on pages; they are shared by e-mail when you accept a contact request."
                )
                % {"field": name},
            )


# ---- rooms ------------------------------------------------------------------------------------


def _room(key: str, kind: str, theme: str, title: str, position: int, institution=None) -> AlumniRoom:
    room = AlumniRoom.objects.select_related("space").filter(key=key).first()
    if room is None:
        space = Space.objects.create(kind=Space.Kind.ALUMNI, title=str(title)[:200])
        room = AlumniRoom.objects.create(
            space=space, key=key, kind=kind, theme=theme, institution=institution, position=position
        )
    Thread.objects.get_or_create(
        space=room.space,
        kind=Thread.Kind.GENERAL,
        defaults={"title": "General discussion", "pinned": True},
    )
    return room


@transaction.atomic
def alumni_rooms_ensure() -> list[AlumniRoom]:
    """The general room and one room per theme, each with its pinned general thread. Idempotent."""
    with translation.override(settings.LANGUAGE_CODE):
        return [
            _room(key, kind, theme, str(title), position)
            for position, (key, kind, theme, title) in enumerate(SHARED_ROOMS)
        ]


@transaction.atomic
def institution_room_ensure(*, actor, institution: Institution) -> AlumniRoom:
    """An institution's private alumni room: its admins or programme staff open it."""
    who = policies.standing(actor)
    if not (who.is_staff or institution.pk in who.admin_institutions):
        raise PermissionDenied(_("Only the institution's administrators may open its alumni room."))
    existing = AlumniRoom.objects.filter(kind=AlumniRoom.Kind.INSTITUTION, institution=institution).first()
    if existing is not None:
        return existing
    return _room(
        f"institution-{institution.pk}",
        AlumniRoom.Kind.INSTITUTION,
        "",
        f"{institution.name}: alumni",
        100,
        institution=institution,
    )


# ---- who is an alumnus ------------------------------------------------------------------------


@transaction.atomic
def cohort_alumni_setting_set(
    *, actor, cohort: Cohort, include_all_participants: bool
) -> CohortAlumniSetting:
    """A tutor decides whether everyone who took part becomes an alumnus (not only completers)."""
    if not policies.can_set_cohort_alumni(course_policies.cohort_access(actor, cohort)):
        raise PermissionDenied(_("Only this cohort's tutors decide who becomes an alumnus."))
    setting, _created = CohortAlumniSetting.objects.get_or_create(cohort=cohort)
    was = setting.include_all_participants
    setting.include_all_participants = include_all_participants
    setting.changed_by = actor
    setting.full_clean()
    setting.save()
    if was and not include_all_participants:
        # Those who were alumni only through this choice lose access now, open rooms included.
        _revoke_after_commit(
            cohort.enrolments.filter(role=Enrolment.Role.TRAINEE, status=Enrolment.Status.ACTIVE).values_list(
                "user_id", flat=True
            )
        )
    return setting


@transaction.atomic
def member_remove(*, actor, user, reason: str) -> AlumniRemoval:
    """A moderator removes someone from the community; their open sockets close at once."""
    if not policies.can_remove_member(policies.standing(actor)):
        raise PermissionDenied(_("Only tutors, editors and moderators may remove members."))
    if user.pk == actor.pk:
        raise ServiceError("self_remove", _("You cannot remove yourself."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", _("Give a reason: it is kept in the record."))
    removal, _created = AlumniRemoval.objects.update_or_create(
        user=user, defaults={"removed_by": actor, "reason": reason[:2000]}
    )
    _revoke_after_commit([user.pk])
    return removal


@transaction.atomic
def member_reinstate(*, actor, user) -> None:
    if not policies.can_remove_member(policies.standing(actor)):
        raise PermissionDenied()
    AlumniRemoval.objects.filter(user=user).delete()


# ---- updates and digests ----------------------------------------------------------------------


def _check_theme(theme: str) -> str:
    if theme not in Theme.values:
        raise ServiceError("bad_theme", _("Choose one of the themes."))
    return theme


@transaction.atomic
def update_publish(
    *, actor, theme: str, kind: str, title: str, body: str, link: str = "", language: str = ""
) -> Update:
    if not policies.can_publish_update(policies.standing(actor)):
        raise PermissionDenied(_("Only tutors and editors publish updates."))
    title = (title or "").strip()
    if not title:
        raise ServiceError("title_required", _("Give the update a title."))
    html = render_post((body or "").strip()) if (body or "").strip() else ""
    if not html:
        raise ServiceError("empty", _("Say what happened and why it matters."))
    check_no_email(**{str(_("Title")): title, str(_("Text")): body})
    update = Update(
        theme=_check_theme(theme),
        kind=kind,
        title=title[:200],
        body_source=body.strip(),
        body_html=html,
        link=(link or "").strip(),
        language=(language or "")[:10],
        author=actor,
    )
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def subscription_set(*, user, themes: list[str], digest: str) -> Subscription:
    if not policies.can_enter(policies.standing(user)):
        raise PermissionDenied()
    if digest not in Subscription.Digest.values:
        raise ServiceError("bad_digest", _("Choose how often to receive the digest."))
    chosen = sorted({_check_theme(t) for t in themes})
    subscription, _created = Subscription.objects.update_or_create(
        user=user, defaults={"themes": chosen, "digest": digest}
    )
    return subscription


@dataclass
class DigestReport:
    sent: int = 0
    skipped: int = 0


def digests_send(*, frequency: str, day: date) -> DigestReport:
    """One e-mail per subscriber with updates in their themes for the period containing `day`,
    in their language. Sending again for the same period sends nothing more."""
    if frequency not in (Subscription.Digest.DAILY, Subscription.Digest.WEEKLY):
        raise ServiceError("bad_digest", "frequency is daily or weekly")
    period_start, begins, ends = selectors.period_bounds(frequency, day)
    period_updates = list(
        Update.objects.filter(published_at__gte=begins, published_at__lt=ends).order_by(
            "theme", "published_at"
        )
    )
    report = DigestReport()
    if not period_updates:
        return report
    members = selectors.community_members()
    subscriptions = (
        Subscription.objects.filter(digest=frequency, user__in=members).select_related("user").order_by("pk")
    )
    already = set(
        DigestDelivery.objects.filter(frequency=frequency, period_start=period_start).values_list(
            "user_id", flat=True
        )
    )
    for subscription in subscriptions:
        mine = [u for u in period_updates if u.theme in subscription.themes]
        if not mine or subscription.user_id in already:
            report.skipped += 1
            continue
        try:
            with transaction.atomic():
                DigestDelivery.objects.create(
                    user=subscription.user, frequency=frequency, period_start=period_start, updates=len(mine)
                )
                # Sent inside the transaction: if sending fails, the delivery is not recorded
                # and the next run tries again.
                _digest_message(subscription, mine, frequency, period_start).send()
        except IntegrityError:  # another run sent it meanwhile
            report.skipped += 1
            continue
        report.sent += 1
    return report


def _digest_message(subscription: Subscription, updates: list[Update], frequency: str, start: date):
    user = subscription.user
    with translation.override(_language_of(user)):
        themes = []
        for theme in Theme:
            items = [u for u in updates if u.theme == theme.value]
            if items:
                themes.append({"label": str(theme.label), "updates": items})
        if frequency == Subscription.Digest.DAILY:
            subject = _("Legis alumni: new developments of %(day)s") % {"day": start.isoformat()}
        else:
            subject = _("Legis alumni: new developments of the week of %(day)s") % {"day": start.isoformat()}
        return _message(
            user,
            subject,
            "alumni/email/digest",
            {"themes": themes, "count": len(updates), "frequency": frequency, "period_start": start},
        )


# ---- directory and contacts -------------------------------------------------------------------


@transaction.atomic
def profile_save(
    *,
    user,
    display_name: str,
    visibility: str,
    country: str = "",
    agency_type: str = "",
    role: str = "",
    expertise: str = "",
    languages: list[str] | None = None,
    themes: list[str] | None = None,
    contact_preference: str = DirectoryProfile.ContactPreference.REQUESTS,
    contact_note: str = "",
) -> DirectoryProfile:
    """Create or change one's own directory profile. It stays hidden unless `visibility` opts in."""
    if not policies.can_enter(policies.standing(user)):
        raise PermissionDenied(_("The directory is for alumni and tutors."))
    display_name = (display_name or "").strip()
    if not display_name:
        raise ServiceError("name_required", _("Give a name or a pseudonym."))
    check_no_email(
        **{
            str(_("Name or pseudonym")): display_name,
            str(_("Role")): role,
            str(_("Expertise")): expertise,
            str(_("Note for accepted contacts")): contact_note,
        }
    )
    known_languages = {code for code, _name in DIRECTORY_LANGUAGES}
    languages = sorted({code for code in (languages or []) if code in known_languages})
    themes = sorted({_check_theme(theme) for theme in (themes or [])})
    profile = DirectoryProfile.objects.filter(user=user).first() or DirectoryProfile(user=user)
    profile.display_name = display_name[:80]
    profile.visibility = visibility
    profile.country = (country or "").strip().upper()[:2]
    profile.agency_type = agency_type or ""
    profile.role = (role or "").strip()[:120]
    profile.expertise = (expertise or "").strip()[:600]
    profile.contact_preference = contact_preference
    profile.contact_note = (contact_note or "").strip()[:300]
    profile.full_clean(exclude=["user"])
    if profile.country and not profile.country.isalpha():
        raise ServiceError("bad_country", _("Country must be a two-letter code, like KE."))
    profile.save()
    ProfileLanguage.objects.filter(profile=profile).exclude(code__in=languages).delete()
    ProfileTheme.objects.filter(profile=profile).exclude(theme__in=themes).delete()
    ProfileLanguage.objects.bulk_create(
        [ProfileLanguage(profile=profile, code=code) for code in languages], ignore_conflicts=True
    )
    ProfileTheme.objects.bulk_create(
        [ProfileTheme(profile=profile, theme=theme) for theme in themes], ignore_conflicts=True
    )
    return profile


@transaction.atomic
def contact_request_send(*, sender, profile: DirectoryProfile, message: str = "") -> ContactRequest:
    who = policies.standing(sender)
    own = DirectoryProfile.objects.filter(user=sender).first()
    owner_is_member = selectors.community_members().filter(pk=profile.user_id).exists()
    if not policies.can_view_profile(who, profile, owner_is_member):
        raise PermissionDenied(_("That profile is not in the directory."))
    if own is None or not own.is_visible:
        raise ServiceError(
            "own_profile_hidden",
            _("Make your own profile visible in the directory before asking for contact."),
        )
    if not policies.can_request_contact(who, own, profile, owner_is_member):
        raise ServiceError("not_accepting", _("This person does not take contact requests."))
    message = (message or "").strip()[:1000]
    check_no_email(**{str(_("Message")): message})
    existing = ContactRequest.objects.filter(
        sender=sender,
        recipient_id=profile.user_id,
        status__in=[ContactRequest.Status.PENDING, ContactRequest.Status.ACCEPTED],
    ).first()
    if existing is not None:
        return existing
    if not ratelimit.allow("alumni-contact", sender.pk, limit=CONTACT_REQUESTS_PER_DAY, window=24 * 3600):
        raise ServiceError("rate_limited", _("You have sent many requests today. Please try again tomorrow."))
    try:
        with transaction.atomic():
            request = ContactRequest.objects.create(
                sender=sender, recipient_id=profile.user_id, message=message
            )
    except IntegrityError:  # a double submit won the race
        return ContactRequest.objects.get(
            sender=sender,
            recipient_id=profile.user_id,
            status__in=[ContactRequest.Status.PENDING, ContactRequest.Status.ACCEPTED],
        )
    recipient = profile.user
    _mail_after_commit(
        recipient,
        lambda: _("Legis alumni: %(name)s would like to be in touch") % {"name": own.display_name},
        "alumni/email/contact_request",
        {"sender_name": own.display_name, "message": message},
    )
    return request


@transaction.atomic
def contact_request_decide(*, user, request: ContactRequest, accept: bool) -> ContactRequest:
    """The recipient answers. On acceptance both receive, by e-mail only, the other's address
    and note; a page never shows them."""
    request = (
        ContactRequest.objects.select_for_update().select_related("sender", "recipient").get(pk=request.pk)
    )
    if not policies.can_decide_contact(user, request):
        raise PermissionDenied(_("Only the person asked may answer, once."))
    if accept and not selectors.community_members().filter(pk=request.sender_id).exists():
        raise ServiceError("sender_gone", _("This person is no longer in the alumni community."))
    request.status = ContactRequest.Status.ACCEPTED if accept else ContactRequest.Status.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    if accept:
        profiles = {
            p.user_id: p
            for p in DirectoryProfile.objects.filter(user__in=[request.sender, request.recipient])
        }
        for me, other in ((request.sender, request.recipient), (request.recipient, request.sender)):
            other_profile = profiles.get(other.pk)
            other_name = other_profile.display_name if other_profile else other.public_name
            context = {
                "other_name": other_name,
                "other_email": other.email,
                "other_note": other_profile.contact_note if other_profile else "",
                "other_role": other_profile.role if other_profile else "",
                "other_country": other_profile.country if other_profile else "",
            }
            _mail_after_commit(
                me,
                lambda name=other_name: (
                    _("Legis alumni: you are now in touch with %(name)s") % {"name": name}
                ),
                "alumni/email/contact_accepted",
                context,
            )
    return request


# ---- impact follow-up -------------------------------------------------------------------------


@transaction.atomic
def impact_response_submit(
    *,
    user,
    enrolment: Enrolment,
    wave: int,
    applied_in_case: bool,
    applied_in_request: bool,
    applied_in_draft_law: bool,
    comments: str = "",
) -> ImpactResponse:
    if not policies.can_answer_impact(policies.standing(user), enrolment, wave):
        raise PermissionDenied(_("This survey is not open for you."))
    if ImpactResponse.objects.filter(enrolment=enrolment, wave=wave).exists():
        raise ServiceError("already_answered", _("You have already answered this survey. Thank you."))
    response = ImpactResponse(
        enrolment=enrolment,
        wave=wave,
        applied_in_case=applied_in_case,
        applied_in_request=applied_in_request,
        applied_in_draft_law=applied_in_draft_law,
        comments=(comments or "").strip()[:4000],
    )
    response.full_clean(exclude=["enrolment"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:  # a double submit
        raise ServiceError(
            "already_answered", _("You have already answered this survey. Thank you.")
        ) from exc
    return response


def impact_invitations_send(*, now: datetime | None = None) -> int:
    """Invite each alumnus whose cohort's wave is open now, once per wave. Returns how many."""
    now = now or timezone.now()
    sent = 0
    # Waves open within three months of their date; the cohorts to look at ended 3 to 9 months ago.
    earliest = selectors.add_months(now, -(max(Wave.values) + selectors.WAVE_OPEN_MONTHS))
    cohorts = Cohort.objects.filter(ends_at__lte=now, ends_at__gt=earliest)
    for cohort in cohorts:
        for wave in Wave.values:
            opens, closes = selectors.wave_window(cohort, wave)
            if not opens <= now < closes:
                continue
            enrolments = (
                selectors.alumni_of_cohort(cohort, now)
                .exclude(impact_invitations__wave=wave)
                .exclude(impact_responses__wave=wave)
                .select_related("user", "cohort")
            )
            for enrolment in enrolments:
                with transaction.atomic():
                    _invitation, created = ImpactInvitation.objects.get_or_create(
                        enrolment=enrolment, wave=wave
                    )
                    if not created:
                        continue
                    _mail_after_commit(
                        enrolment.user,
                        lambda c=cohort: (
                            _("Legis: has the course changed your work? (%(cohort)s)") % {"cohort": c.title}
                        ),
                        "alumni/email/impact_invitation",
                        {"cohort": cohort, "wave": wave, "enrolment_id": enrolment.pk},
                    )
                sent += 1
    return sent
