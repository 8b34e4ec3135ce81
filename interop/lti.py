"""LTI 1.3 messages: checking a platform's signed id_token, and signing this tool's replies.

A launch is refused, with a code a person can be told about, when its signature does not
verify against the platform's published keys, when it names another audience, has expired
or is not yet valid, comes from an unknown issuer or deployment, or is not an LTI 1.3
resource-link or deep-linking message. Nonces and states are checked in `services`.
"""

import hashlib
import json
import secrets
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .models import LtiPlatform, LtiToolKey

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
VERSION = CLAIM + "version"
DEPLOYMENT_ID = CLAIM + "deployment_id"
TARGET_LINK_URI = CLAIM + "target_link_uri"
RESOURCE_LINK = CLAIM + "resource_link"
CONTEXT = CLAIM + "context"
ROLES = CLAIM + "roles"
CUSTOM = CLAIM + "custom"
LAUNCH_PRESENTATION = CLAIM + "launch_presentation"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
INSTRUCTOR_ROLES = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
)

ALGORITHM = "RS256"
CLOCK_LEEWAY_SECONDS = 60
JWKS_CACHE_SECONDS = 300
JWKS_MAX_BYTES = 512 * 1024
JWKS_TIMEOUT_SECONDS = 5


class LtiError(Exception):
    """A launch refused. `code` is stable (tests, logs); `message` is for the person."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass
class VerifiedMessage:
    platform: LtiPlatform
    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return self.claims[MESSAGE_TYPE]

    @property
    def is_instructor(self) -> bool:
        return any(role in INSTRUCTOR_ROLES for role in self.claims.get(ROLES, []))


# --- the platform's keys ------------------------------------------------------------------


def _jwks_cache_key(platform: LtiPlatform) -> str:
    digest = hashlib.sha256(platform.jwks_url.encode()).hexdigest()[:16]
    return f"interop:jwks:{platform.pk}:{digest}"


def fetch_platform_jwks(platform: LtiPlatform, *, refresh: bool = False) -> dict:
    """The platform's JWKS, cached a few minutes (fetched again when a new key id appears)."""
    key = _jwks_cache_key(platform)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    if not platform.jwks_url.startswith(("https://", "http://")):
        raise LtiError("jwks_unavailable", _("The platform's key set address is not a web address."))
    try:
        # The address is set by an administrator in the platform registration, never by the request.
        with urllib.request.urlopen(platform.jwks_url, timeout=JWKS_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(JWKS_MAX_BYTES + 1)
    except OSError as error:
        raise LtiError(
            "jwks_unavailable", _("Legis could not fetch your LMS's public keys. Try again shortly."), 502
        ) from error
    try:
        jwks = json.loads(body[:JWKS_MAX_BYTES])
        if not isinstance(jwks.get("keys"), list):
            raise ValueError("no keys")
    except ValueError as error:
        raise LtiError("jwks_unavailable", _("Your LMS's public key set is not valid."), 502) from error
    cache.set(key, jwks, JWKS_CACHE_SECONDS)
    return jwks


def _key_from(jwks: dict, kid: str | None):
    keys = [k for k in jwks["keys"] if k.get("kty") == "RSA" and k.get("use", "sig") == "sig"]
    if kid is not None:
        keys = [k for k in keys if k.get("kid") == kid]
    elif len(keys) != 1:
        return None
    if not keys:
        return None
    try:
        return jwt.PyJWK(keys[0], algorithm=ALGORITHM).key
    except jwt.PyJWTError:
        return None


def platform_key(platform: LtiPlatform, kid: str | None):
    key = _key_from(fetch_platform_jwks(platform), kid)
    if key is None:  # a rotated key: look once more, past the cache
        key = _key_from(fetch_platform_jwks(platform, refresh=True), kid)
    if key is None:
        raise LtiError("bad_signature", _("The launch was signed with a key your LMS does not publish."), 403)
    return key


# --- checking a launch --------------------------------------------------------------------


def _audiences(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def verify_id_token(token: str) -> VerifiedMessage:
    if not token:
        raise LtiError("missing_token", _("The launch carried no id_token. Start again from your LMS."))
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise LtiError("malformed_token", _("The launch message is not a valid token.")) from error
    if header.get("alg") != ALGORITHM:
        raise LtiError("bad_signature", _("The launch is not signed with RS256, as LTI 1.3 requires."))
    platforms = list(LtiPlatform.objects.filter(issuer=str(unverified.get("iss", ""))))
    if not platforms:
        raise LtiError("unknown_platform", _("This LMS is not registered with Legis."), 403)
    audiences = _audiences(unverified.get("aud"))
    platform = next((p for p in platforms if p.client_id in audiences), None)
    if platform is None:
        raise LtiError(
            "wrong_audience", _("The launch was meant for another tool (its audience is not Legis)."), 403
        )
    key = platform_key(platform, header.get("kid"))
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[ALGORITHM],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.InvalidSignatureError as error:
        raise LtiError(
            "bad_signature", _("The launch's signature does not match your LMS's keys."), 403
        ) from error
    except jwt.ExpiredSignatureError as error:
        raise LtiError("expired", _("The launch has expired. Start again from your LMS."), 403) from error
    except (jwt.ImmatureSignatureError, jwt.InvalidIssuedAtError) as error:
        raise LtiError(
            "not_yet_valid", _("The launch is dated in the future: check your LMS's clock."), 403
        ) from error
    except jwt.InvalidAudienceError as error:
        raise LtiError("wrong_audience", _("The launch was meant for another tool."), 403) from error
    except jwt.MissingRequiredClaimError as error:
        raise LtiError("missing_claim", _("The launch lacks a required claim: %s.") % error.claim) from error
    except jwt.PyJWTError as error:
        raise LtiError("invalid_token", _("The launch message could not be verified."), 403) from error

    azp = claims.get("azp")
    if (azp is not None or len(_audiences(claims["aud"])) > 1) and azp != platform.client_id:
        raise LtiError("wrong_audience", _("The launch was authorised for another tool."), 403)
    if claims.get(VERSION) != "1.3.0":
        raise LtiError("wrong_version", _("Only LTI 1.3 launches are accepted."))
    if claims.get(DEPLOYMENT_ID) not in platform.deployments:
        raise LtiError(
            "unknown_deployment", _("This deployment of Legis in your LMS is not registered."), 403
        )
    message_type = claims.get(MESSAGE_TYPE)
    if message_type == RESOURCE_LINK_REQUEST:
        if not isinstance(claims.get(RESOURCE_LINK), dict) or not claims[RESOURCE_LINK].get("id"):
            raise LtiError("missing_claim", _("The launch lacks a required claim: %s.") % "resource_link")
    elif message_type == DEEP_LINKING_REQUEST:
        settings_claim = claims.get(DL_SETTINGS)
        if not isinstance(settings_claim, dict) or not settings_claim.get("deep_link_return_url"):
            raise LtiError(
                "missing_claim", _("The launch lacks a required claim: %s.") % "deep_linking_settings"
            )
    else:
        raise LtiError("unsupported_message", _("Legis does not handle this kind of LTI message."))
    if not claims.get("sub"):
        raise LtiError("missing_claim", _("The launch lacks a required claim: %s.") % "sub")
    return VerifiedMessage(platform=platform, claims=claims)


# --- this tool's keys and signed replies --------------------------------------------------


def generate_tool_key() -> LtiToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = secrets.token_hex(12)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    public_jwk.update({"kid": kid, "alg": ALGORITHM, "use": "sig"})
    return LtiToolKey(kid=kid, private_key_pem=pem, public_jwk=public_jwk, active=True)


def sign(claims: dict[str, Any], key: LtiToolKey, *, lifetime: int = 300) -> str:
    now = int(time.time())
    payload = {"iat": now, "exp": now + lifetime, "nonce": secrets.token_urlsafe(16), **claims}
    return jwt.encode(payload, key.private_key_pem, algorithm=ALGORITHM, headers={"kid": key.kid})
