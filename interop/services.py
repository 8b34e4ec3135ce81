"""Writes for interop: the tool key, LTI login states, launches (account, cohort place,
destination) and the framed-launch handoff. Each write is one transaction."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from courses import services as course_services
from courses.models import Cohort, Enrolment
from courses.selectors import week_of_reading
from lms.errors import ServiceError
from modules.models import ModulePage, ReadingPage
from modules.selectors import in_language

from . import lti
from .models import LtiCourseMapping, LtiHandoff, LtiLoginState, LtiPlatform, LtiToolKey, LtiUserLink

STATE_LIFETIME = timedelta(minutes=10)
HANDOFF_LIFETIME = timedelta(minutes=2)
STATE_RETENTION = timedelta(days=1)


def tool_key_active() -> LtiToolKey:
    """The key this tool signs with, made on first use (two racing processes may each make one:
    both are published, and the newest signs)."""
    key = LtiToolKey.objects.filter(active=True).first()
    if key is None:
        key = lti.generate_tool_key()
        key.save()
    return key


@transaction.atomic
def lti_login_state_create(*, platform: LtiPlatform, target_link_uri: str) -> LtiLoginState:
    LtiLoginState.objects.filter(created_at__lt=timezone.now() - STATE_RETENTION).delete()
    state = LtiLoginState(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        platform=platform,
        target_link_uri=target_link_uri,
    )
    state.full_clean()
    state.save()
    return state


def _consume_state(message: lti.VerifiedMessage, state: str, cookie_state: str | None) -> None:
    """One launch per login: the state must be ours, fresh, from this browser, and unused,
    and carry the nonce we issued. A second use of a nonce is a replay."""
    nonce = str(message.claims["nonce"])
    if LtiLoginState.objects.filter(nonce=nonce, used_at__isnull=False).exists():
        raise lti.LtiError(
            "replayed_nonce", _("This launch has already been used. Start again from your LMS."), 403
        )
    row = LtiLoginState.objects.filter(state=state, platform=message.platform).first()
    if row is None:
        raise lti.LtiError(
            "unknown_state", _("This launch did not start at Legis. Start again from your LMS.")
        )
    if row.created_at < timezone.now() - STATE_LIFETIME:
        raise lti.LtiError("expired", _("The launch took too long. Start again from your LMS."), 403)
    if cookie_state != state:
        raise lti.LtiError(
            "state_mismatch",
            _(
                "Your browser did not keep Legis's sign-in cookie. Ask your LMS to open Legis in a new "
                "window, or allow cookies for Legis, and start again."
            ),
            403,
        )
    if row.nonce != nonce:
        raise lti.LtiError("nonce_mismatch", _("The launch's nonce is not the one Legis issued."), 403)
    if not LtiLoginState.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise lti.LtiError(
            "replayed_nonce", _("This launch has already been used. Start again from your LMS."), 403
        )


def _display_name(claims: dict[str, Any]) -> str:
    name = claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return str(name or "")[:80]


def lti_user_link(*, platform: LtiPlatform, claims: dict[str, Any]) -> User:
    """The Legis account for this platform user, made the first time (never matched by e-mail)."""
    subject = str(claims["sub"])
    link = LtiUserLink.objects.filter(platform=platform, subject=subject).select_related("user").first()
    if link is None:
        digest = hashlib.sha256(f"{platform.pk}:{subject}".encode()).hexdigest()[:20]
        try:
            with transaction.atomic():
                user = User(
                    username=f"lti-{platform.pk}-{digest}",
                    email=f"lti-{platform.pk}-{digest}@lti.invalid",
                    display_name=_display_name(claims),
                )
                user.set_unusable_password()
                user.full_clean()
                user.save()
                link = LtiUserLink.objects.create(
                    platform=platform, subject=subject, user=user, email=str(claims.get("email", ""))[:254]
                )
        except IntegrityError:  # a second launch of the same person raced this one
            link = LtiUserLink.objects.select_related("user").get(platform=platform, subject=subject)
    user = link.user
    if not user.is_active:
        raise lti.LtiError("account_disabled", _("Your Legis account is disabled."), 403)
    name = _display_name(claims)
    if name and name != user.display_name:
        user.display_name = name
        user.save(update_fields=["display_name"])
    LtiUserLink.objects.filter(pk=link.pk).update(last_launch_at=timezone.now())
    return user


def _place(message: lti.VerifiedMessage, user: User) -> Cohort | None:
    context = message.claims.get(lti.CONTEXT) or {}
    context_id = str(context.get("id", "")) if isinstance(context, dict) else ""
    if not context_id:
        return None
    mapping = (
        LtiCourseMapping.objects.filter(platform=message.platform, context_id=context_id)
        .select_related("cohort")
        .first()
    )
    if mapping is None:
        return None
    role = (
        Enrolment.Role.TUTOR
        if message.is_instructor and mapping.instructors_as_tutors
        else Enrolment.Role.TRAINEE
    )
    try:
        course_services.enrolment_place(user=user, cohort=mapping.cohort, role=role, source="lti")
    except ServiceError as error:
        raise lti.LtiError(error.code, error.message, 403) from error
    return mapping.cohort


def _requested_page_id(claims: dict[str, Any]) -> int | None:
    custom = claims.get(lti.CUSTOM) or {}
    value = custom.get("legis_page") if isinstance(custom, dict) else None
    if not value:
        query = parse_qs(urlsplit(str(claims.get(lti.TARGET_LINK_URI, ""))).query)
        value = (query.get("page") or [None])[0]
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def _language(claims: dict[str, Any], cohort: Cohort | None) -> str:
    from django.conf import settings

    if cohort is not None:
        return cohort.language
    presentation = claims.get(lti.LAUNCH_PRESENTATION) or {}
    locale = str(presentation.get("locale", "")) if isinstance(presentation, dict) else ""
    supported = dict(settings.LANGUAGES)
    for candidate in (locale.lower().replace("_", "-"), locale.split("-")[0].split("_")[0].lower()):
        if candidate in supported:
            return candidate
        if candidate == "zh" or candidate.startswith("zh-"):
            return "zh-hans"
    return settings.LANGUAGE_CODE


def _destination(claims: dict[str, Any], cohort: Cohort | None, language: str) -> str:
    page_id = _requested_page_id(claims)
    with translation.override(language):
        reading = ReadingPage.objects.live().filter(pk=page_id).first() if page_id else None
        if reading is not None:
            if cohort is not None and week_of_reading(cohort, reading.pk) is not None:
                return reverse("courses:reading", args=[cohort.slug, reading.pk])
            return in_language(reading, language)[0].url
        module = ModulePage.objects.live().filter(pk=page_id).first() if page_id else None
        if module is not None:
            return in_language(module, language)[0].url
        if cohort is not None:
            return reverse("courses:dashboard", args=[cohort.slug])
        return f"/{language}/"


@dataclass
class LaunchResult:
    user: User
    platform: LtiPlatform
    message_type: str
    language: str
    destination: str = ""
    cohort: Cohort | None = None
    deep_linking: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)


def lti_launch(*, id_token: str, state: str, cookie_state: str | None) -> LaunchResult:
    """Verify a launch, consume its state, link (or make) the account, give it its cohort place,
    and say where to go. Raises `LtiError` with a clear message for every refusal."""
    # Outside the transaction: fetching the platform's keys may take a moment, and SQLite's
    # transactions here take the write lock from their start.
    message = lti.verify_id_token(id_token)
    with transaction.atomic():
        return _launch(message, state, cookie_state)


def _launch(message: lti.VerifiedMessage, state: str, cookie_state: str | None) -> LaunchResult:
    _consume_state(message, state, cookie_state)
    user = lti_user_link(platform=message.platform, claims=message.claims)
    if message.message_type == lti.DEEP_LINKING_REQUEST:
        return LaunchResult(
            user=user,
            platform=message.platform,
            message_type=message.message_type,
            language=_language(message.claims, None),
            deep_linking={
                **message.claims[lti.DL_SETTINGS],
                "deployment_id": message.claims[lti.DEPLOYMENT_ID],
            },
            claims=message.claims,
        )
    cohort = _place(message, user)
    language = _language(message.claims, cohort)
    return LaunchResult(
        user=user,
        platform=message.platform,
        message_type=message.message_type,
        language=language,
        destination=_destination(message.claims, cohort, language),
        cohort=cohort,
        claims=message.claims,
    )


def lti_deep_link_response(
    *, platform: LtiPlatform, deployment_id: str, pages: list, launch_url: str, data: str | None
) -> str:
    """The signed LtiDeepLinkingResponse that returns the chosen modules or readings to the platform."""
    items = [
        {
            "type": "ltiResourceLink",
            "title": page.title,
            "url": f"{launch_url}?page={page.pk}",
            "custom": {"legis_page": str(page.pk)},
        }
        for page in pages
    ]
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        lti.MESSAGE_TYPE: lti.DEEP_LINKING_RESPONSE,
        lti.VERSION: "1.3.0",
        lti.DEPLOYMENT_ID: deployment_id,
        lti.DL_CONTENT_ITEMS: items,
    }
    if data:
        claims[lti.DL_DATA] = data
    return lti.sign(claims, tool_key_active())


@transaction.atomic
def lti_handoff_create(*, user: User, target: str) -> LtiHandoff:
    LtiHandoff.objects.filter(created_at__lt=timezone.now() - STATE_RETENTION).delete()
    return LtiHandoff.objects.create(token=secrets.token_urlsafe(32), user=user, target=target)


@transaction.atomic
def lti_handoff_consume(*, token: str) -> LtiHandoff:
    handoff = LtiHandoff.objects.filter(token=token).select_related("user").first()
    fresh = handoff is not None and handoff.created_at >= timezone.now() - HANDOFF_LIFETIME
    if not fresh or not LtiHandoff.objects.filter(pk=handoff.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    ):
        raise lti.LtiError(
            "handoff_expired", _("This link has expired or was already used. Start again from your LMS."), 403
        )
    return handoff
