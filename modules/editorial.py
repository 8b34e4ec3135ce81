"""The editorial set-up of the curriculum: who may edit, and the review workflow.

Editors draft and submit; legal reviewers approve, which publishes. This uses
Wagtail's own groups, page permissions and workflows: no parallel system.
"""

from django.contrib.auth.models import Group, Permission

from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

EDITORS = "Curriculum editors"
REVIEWERS = "Legal reviewers"
WORKFLOW_NAME = "Legal review"
SNIPPET_MODELS = ["glossaryterm", "legalinstrument", "casedigest"]


def _grant(group: Group, page: Page, *codenames: str) -> None:
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def ensure_editorial_setup(curriculum: Page) -> tuple[Group, Group, Workflow]:
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    snippet_perms = Permission.objects.filter(
        content_type__app_label="modules",
        content_type__model__in=SNIPPET_MODELS,
        codename__regex=r"^(add|change|view)_",
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(access_admin, *snippet_perms)
    _grant(editors, curriculum, "add_page", "change_page")

    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.add(access_admin, *snippet_perms)
    _grant(reviewers, curriculum, "add_page", "change_page", "publish_page")

    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        task = GroupApprovalTask.objects.create(name="Legal review")
        task.groups.set([reviewers])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=curriculum, defaults={"workflow": workflow})
    return editors, reviewers, workflow
