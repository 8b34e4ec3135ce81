"""What the audit log hears from allauth and from the admin forms.

Connected in AccountsConfig.ready(). These receivers only append to the audit log, in the
transaction of the change they describe (so a rolled-back change leaves no entry). The one
broadcast: when a person's powers or second factors change, their open discussion sockets are
told after commit to re-read what they trust between checks (forums.consumers, STANDING_SECONDS).
Role changes arrive as model signals because they are made in
Wagtail's own forms (user groups, institution admins, tutor enrolments), which Legis does
not own; fixture loads (`raw`) are ignored.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator

from django.contrib.auth import signals as auth_signals
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from courses.models import Enrolment, Institution

from . import audit, services
from .models import SecurityEvent, User

Kind = SecurityEvent.Kind


def _refresh_sockets(user_id: int | None) -> None:
    if user_id is not None:
        transaction.on_commit(lambda: services.revoke_sockets(user_id))


def _methods(request) -> list[str]:
    records = request.session.get("account_authentication_methods", []) if request is not None else []
    return sorted({record.get("method", "") for record in records if record.get("method")})


def on_logged_in(sender, request, user, **kwargs) -> None:
    audit.record(Kind.LOGIN, user=user, actor=user, request=request, methods=", ".join(_methods(request)))


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(Kind.LOGOUT, user=user, actor=user, request=request)


def on_signed_up(sender, request, user, **kwargs) -> None:
    audit.record(Kind.SIGNUP, user=user, actor=user, request=request)


def on_password_changed(sender, request, user, **kwargs) -> None:
    audit.record(Kind.PASSWORD_CHANGED, user=user, actor=user, request=request)
    _refresh_sockets(user.pk)  # other browsers' sessions no longer match the password


def on_password_reset(sender, request, user, **kwargs) -> None:
    audit.record(Kind.PASSWORD_RESET, user=user, actor=user, request=request)
    _refresh_sockets(user.pk)


def _mfa(kind: str):
    def receiver(sender, request, user, authenticator: Authenticator, **kwargs) -> None:
        audit.record(kind, user=user, actor=user, request=request, authenticator=authenticator.type)
        if kind != Kind.MFA_FAILED:
            _refresh_sockets(getattr(user, "pk", None))

    receiver.__name__ = f"on_{kind}"
    return receiver


on_mfa_added = _mfa(Kind.MFA_ADDED)
on_mfa_removed = _mfa(Kind.MFA_REMOVED)
on_mfa_reset = _mfa(Kind.MFA_RESET)
on_mfa_failed = _mfa(Kind.MFA_FAILED)


# ---- roles ------------------------------------------------------------------------------------


def _m2m_role(role: str, *, reverse_model, label) -> callable:
    """Membership changes on either side of a many-to-many (user.groups.add(g) or
    g.user_set.add(u)), recorded once per person and role."""

    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        kind = Kind.ROLE_GRANTED if action == "post_add" else Kind.ROLE_REVOKED
        if action == "pre_clear":
            # Django's clear() does not say whom it removes: find out before it happens.
            pk_set = set(_members(instance, reverse_model))
            if not pk_set:
                return
        if isinstance(instance, User):
            users = [instance]
            targets = list(reverse_model.objects.filter(pk__in=pk_set))
            pairs = [(instance, target) for target in targets]
        else:
            users = list(User.objects.filter(pk__in=pk_set))
            pairs = [(user, instance) for user in users]
        for user, target in pairs:
            audit.record(kind, user=user, role=role, **label(target))
            _refresh_sockets(user.pk)

    receiver.__name__ = f"on_{role}_changed"
    return receiver


def _members(instance, reverse_model) -> list[int]:
    if isinstance(instance, User):
        field = "groups" if reverse_model is Group else "administered_institutions"
        return list(getattr(instance, field).values_list("pk", flat=True))
    related = instance.user_set if isinstance(instance, Group) else instance.admins
    return list(related.values_list("pk", flat=True))


on_group_membership = _m2m_role("group", reverse_model=Group, label=lambda g: {"group": g.name})
on_institution_admins = _m2m_role(
    "institution_admin", reverse_model=Institution, label=lambda i: {"institution": i.name}
)


def _is_tutoring(enrolment: Enrolment | None) -> bool:
    return (
        enrolment is not None
        and enrolment.role == Enrolment.Role.TUTOR
        and enrolment.status in Enrolment.PARTICIPATING
    )


def on_enrolment_pre_save(sender, instance: Enrolment, raw=False, **kwargs) -> None:
    if raw:
        return
    before = Enrolment.objects.filter(pk=instance.pk).only("role", "status").first() if instance.pk else None
    instance._was_tutoring = _is_tutoring(before)


def on_enrolment_saved(sender, instance: Enrolment, created, raw=False, **kwargs) -> None:
    if raw:
        return
    was, now = getattr(instance, "_was_tutoring", False), _is_tutoring(instance)
    if was != now:
        kind = Kind.ROLE_GRANTED if now else Kind.ROLE_REVOKED
        audit.record(kind, user=instance.user, role="tutor", cohort=instance.cohort.title)
        _refresh_sockets(instance.user_id)


def on_enrolment_deleted(sender, instance: Enrolment, origin=None, **kwargs) -> None:
    # When the whole account (or cohort) goes, that deletion is the event; the account's
    # row is on its way out and must not be pointed at again.
    if isinstance(origin, Enrolment) and _is_tutoring(instance):
        user = User.objects.filter(pk=instance.user_id).first()
        audit.record(Kind.ROLE_REVOKED, user=user, role="tutor", cohort_id=instance.cohort_id)


def connect() -> None:
    account_signals.user_logged_in.connect(on_logged_in, dispatch_uid="legis_audit_login")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid="legis_audit_logout")
    account_signals.user_signed_up.connect(on_signed_up, dispatch_uid="legis_audit_signup")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid="legis_audit_pw_change")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid="legis_audit_pw_reset")
    mfa_signals.authenticator_added.connect(on_mfa_added, dispatch_uid="legis_audit_mfa_added")
    mfa_signals.authenticator_removed.connect(on_mfa_removed, dispatch_uid="legis_audit_mfa_removed")
    mfa_signals.authenticator_reset.connect(on_mfa_reset, dispatch_uid="legis_audit_mfa_reset")
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid="legis_audit_mfa_failed")
    m2m_changed.connect(on_group_membership, sender=User.groups.through, dispatch_uid="legis_audit_groups")
    m2m_changed.connect(
        on_institution_admins, sender=Institution.admins.through, dispatch_uid="legis_audit_inst_admins"
    )
    pre_save.connect(on_enrolment_pre_save, sender=Enrolment, dispatch_uid="legis_audit_enrol_pre")
    post_save.connect(on_enrolment_saved, sender=Enrolment, dispatch_uid="legis_audit_enrol_post")
    post_delete.connect(on_enrolment_deleted, sender=Enrolment, dispatch_uid="legis_audit_enrol_del")
