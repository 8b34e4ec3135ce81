"""A test LMS for LTI 1.3: its own RSA key, its JWKS served over HTTP on loopback, and the
id_tokens it signs for launches."""

import json
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CLIENT_ID = "legis-client-1"
DEPLOYMENT_ID = "deployment-1"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid: str) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


class TestPlatform:
    __test__ = False  # not a test class

    def __init__(self) -> None:
        self.key = new_key()
        self.kid = "platform-key-1"
        self.jwks_requests = 0
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/jwks.json":
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                platform.jwks_requests += 1
                body = json.dumps({"keys": [public_jwk(platform.key, platform.kid)]}).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.origin
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def jwks_url(self) -> str:
        return f"{self.origin}/jwks.json"

    @property
    def auth_url(self) -> str:
        return f"{self.origin}/auth"

    def rotate_key(self) -> None:
        self.key = new_key()
        self.kid = f"platform-key-{uuid.uuid4().hex[:6]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def id_token(
        self,
        *,
        nonce: str,
        message_type: str = "LtiResourceLinkRequest",
        aud: str | list[str] = CLIENT_ID,
        sub: str = "lms-user-42",
        roles: tuple[str, ...] = (LEARNER,),
        context_id: str | None = "COURSE-101",
        target: str = "http://testserver/en/lti/launch/",
        custom: dict | None = None,
        deployment_id: str = DEPLOYMENT_ID,
        issued: float | None = None,
        lifetime: int = 300,
        signing_key=None,
        kid: str | None = None,
        extra: dict | None = None,
    ) -> str:
        now = int(issued if issued is not None else time.time())
        claims = {
            "iss": self.issuer,
            "aud": aud,
            "sub": sub,
            "iat": now,
            "exp": now + lifetime,
            "nonce": nonce,
            "name": "Amina Haddad",
            "email": "amina@academy.example",
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": deployment_id,
            CLAIM + "target_link_uri": target,
            CLAIM + "roles": list(roles),
            CLAIM + "resource_link": {"id": "resource-link-7", "title": "Legis reading"},
            CLAIM + "launch_presentation": {"locale": "en-GB"},
        }
        if context_id is not None:
            claims[CLAIM + "context"] = {"id": context_id, "title": "Counter-terrorism law 101"}
        if custom is not None:
            claims[CLAIM + "custom"] = custom
        if message_type == "LtiDeepLinkingRequest":
            claims.pop(CLAIM + "resource_link")
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{self.origin}/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True,
                "data": "opaque-platform-data",
            }
        claims.update(extra or {})
        return jwt.encode(
            claims, signing_key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )
