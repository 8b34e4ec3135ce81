"""Services tier: login failures are counted in Redis, so every daphne process sees them."""

import pytest
import redis

from django.conf import settings
from django.test import Client

from .conftest import PASSWORD, password_login, user

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (set REDIS_URL)"),
]


def test_failures_counted_in_redis_lock_the_account_for_another_process(home):
    person = user("someone@example.org")
    for _ in range(5):
        password_login(Client(), person.email, "wrong-password")
    keys = redis.Redis.from_url(settings.REDIS_URL).keys("*allauth:rl:allauth.account:login_failed*")
    assert keys  # the counts live in Redis, not in this process's memory
    # A fresh client (another browser, or a request served by another process) is refused too.
    response = password_login(Client(), person.email, PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
