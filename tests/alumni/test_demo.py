"""alumni.demo: the pilot cohort's trainees are alumni with posts, profiles and updates; loading
twice changes nothing."""

import pytest

from accounts.demo import load_demo_accounts
from accounts.models import User
from alumni import policies
from alumni.demo import load_demo_alumni
from alumni.models import AlumniRoom, DirectoryProfile, Subscription, Theme, Update
from courses.demo import load_demo_cohorts
from forums.models import Post
from modules.demo import load_curriculum
from modules.editorial import ensure_editorial_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(home):
    curriculum = load_curriculum()
    from modules.models import CurriculumIndexPage

    editors, _reviewers, _workflow = ensure_editorial_setup(CurriculumIndexPage.objects.first())
    load_demo_accounts(editors_group=editors)
    load_demo_cohorts()
    return curriculum


def test_demo_alumni_community(demo):
    made = load_demo_alumni()
    assert made >= 5
    amina = User.objects.get(email="trainee1@example.org")
    who = policies.standing(amina)
    assert who.is_alumnus and who.is_member
    assert set(AlumniRoom.objects.values_list("key", flat=True)) == {"general", *Theme.values}
    posts = Post.objects.filter(space__alumni_room__isnull=False)
    assert posts.count() == made
    assert posts.filter(author=amina).exists()
    assert set(Update.objects.values_list("theme", flat=True)) == set(Theme.values)
    assert Update.objects.count() == len(Theme.values)
    assert DirectoryProfile.objects.filter(visibility="community").count() >= 3
    assert DirectoryProfile.objects.filter(visibility="hidden").exists()
    assert Subscription.objects.filter(user=amina, digest="daily").exists()

    # Again: nothing twice.
    assert load_demo_alumni() == 0
    assert Post.objects.filter(space__alumni_room__isnull=False).count() == made
    assert Update.objects.count() == len(Theme.values)
    assert AlumniRoom.objects.count() == 1 + len(Theme.values)
