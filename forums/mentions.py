"""@mentions: writing "@" and a member's display name notifies that member by e-mail,
in their language. Only members of the space's cohort can be mentioned."""

import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from courses.models import Enrolment

from .models import Post

MAX_MENTIONS = 10


def mentioned_members(post: Post) -> list[User]:
    """Members of the post's cohort named after an "@" in its text (one query)."""
    if post.space.cohort_id is None or "@" not in post.body_source:
        return []
    text = post.body_source.casefold()
    members = User.objects.filter(
        enrolments__cohort_id=post.space.cohort_id,
        enrolments__status__in=Enrolment.PARTICIPATING,
        is_active=True,
    ).exclude(pk=post.author_id)
    found = []
    for member in members:
        name = member.public_name.casefold()
        if name and re.search(rf"@{re.escape(name)}(?!\w)", text):
            found.append(member)
    return found[:MAX_MENTIONS]


def notify_mentions(post: Post) -> None:
    """After commit: one e-mail per mentioned member, never for held posts."""
    if post.status != Post.Status.VISIBLE:
        return
    members = mentioned_members(post)
    if not members:
        return
    url = (
        settings.WAGTAILADMIN_BASE_URL
        + reverse("forums:thread", args=[post.space.cohort.slug, post.thread_id])
        + f"#post-{post.pk}"
    )

    def send() -> None:
        for member in members:
            with translation.override(member.preferred_language or settings.LANGUAGE_CODE):
                body = render_to_string(
                    "forums/email/mention.txt", {"post": post, "member": member, "url": url}
                )
                subject = translation.gettext("%(name)s mentioned you in Legis") % {
                    "name": post.author.public_name
                }
            send_mail(subject, body, None, [member.email])

    transaction.on_commit(send)
