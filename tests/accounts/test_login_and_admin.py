from http import HTTPStatus

import pytest

from accounts.demo import ensure_user
from modules.editorial import EDITORS, REVIEWERS, ensure_editorial_setup

from .conftest import give_totp

pytestmark = pytest.mark.django_db


def test_login_by_email_with_verified_address(client, home):
    ensure_user("someone@example.org", password="pw-for-tests-1")
    response = client.post(
        "/en/accounts/login/", {"login": "someone@example.org", "password": "pw-for-tests-1"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/en/").wsgi_request.user.email == "someone@example.org"


def test_wrong_password_is_refused_with_a_message(client, home):
    ensure_user("someone@example.org", password="pw-for-tests-1")
    response = client.post("/en/accounts/login/", {"login": "someone@example.org", "password": "nope"})
    assert response.status_code == HTTPStatus.OK
    assert b"not correct" in response.content or b"incorrect" in response.content.lower()


def test_wagtail_admin_requires_login(client, home):
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_editor_reaches_admin_and_may_edit_but_not_publish_the_curriculum(client, curriculum):
    editors, reviewers, workflow = ensure_editorial_setup(curriculum)
    editor, _ = ensure_user("ed@example.org", password="pw-for-tests-1")
    editor.groups.add(editors)
    reviewer, _ = ensure_user("rev@example.org", password="pw-for-tests-1")
    reviewer.groups.add(reviewers)
    trainee, _ = ensure_user("trainee@example.org", password="pw-for-tests-1")

    assert curriculum.permissions_for_user(editor).can_edit()
    assert not curriculum.permissions_for_user(editor).can_publish()
    assert curriculum.permissions_for_user(reviewer).can_publish()
    assert not curriculum.permissions_for_user(trainee).can_edit()
    assert curriculum.get_workflow().name == workflow.name == "Legal review"
    assert {g.name for g in workflow.tasks.first().specific.groups.all()} == {REVIEWERS}
    assert editors.name == EDITORS

    give_totp(editor)  # editors need a second factor (test_mfa.py)
    client.force_login(editor)
    assert client.get("/admin/").status_code == HTTPStatus.OK
    client.force_login(trainee)
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_review_workflow_keeps_submitted_draft_unpublished_until_approved(curriculum, module):
    from modules.factories import make_reading

    editors, reviewers, workflow = ensure_editorial_setup(curriculum)
    editor, _ = ensure_user("ed@example.org")
    editor.groups.add(editors)
    reviewer, _ = ensure_user("rev@example.org")
    reviewer.groups.add(reviewers)

    reading = make_reading(module, title="Original title")
    reading.title = "Revised title"
    revision = reading.save_revision(user=editor)
    workflow_state = workflow.start(reading, editor)
    reading.refresh_from_db()
    assert reading.title == "Original title"  # the live page is untouched
    assert workflow_state.status == "in_progress"

    task_state = workflow_state.current_task_state
    assert task_state.task.specific.user_can_access_editor(reading, reviewer)
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    reading.refresh_from_db()
    assert reading.title == "Revised title"
    assert reading.live_revision_id == revision.pk
