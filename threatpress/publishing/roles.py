"""Editorial roles and the review workflow: who may write, who reviews, who releases.

Authors write and submit; Reviewers approve or ask for changes, with a comment; Publishers give
the final sign-off, schedule, publish and unpublish. Only Publishers hold Wagtail's publish
permission, so nobody else can make a page public, and every page of the site goes through the
"Edition review" workflow (Review, then Sign-off) when it is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

AUTHORS, REVIEWERS, PUBLISHERS = "Authors", "Reviewers", "Publishers"
WORKFLOW_NAME = "Edition review"
REVIEW_TASK, SIGN_OFF_TASK = "Review", "Sign-off"


@dataclass(frozen=True)
class Role:
    name: str
    page_permissions: tuple[str, ...]  # codenames of wagtailcore page permissions
    collection_permissions: tuple[str, ...]  # for images and documents in the root collection
    model_permissions: tuple[str, ...]  # "app_label.codename"


ADMIN_ACCESS = ("wagtailadmin.access_admin",)
CHOOSE_MEDIA = ("wagtailimages.choose_image", "wagtaildocs.choose_document")
MANAGE_MEDIA = (
    *CHOOSE_MEDIA,
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
)
REGIONS = ("regions.add_region", "regions.change_region")
READERSHIP = ("readership.view_readership",)  # the anonymous statistics screen

ROLES = (
    Role(AUTHORS, ("add_page", "change_page"), MANAGE_MEDIA, (*ADMIN_ACCESS, *REGIONS)),
    Role(REVIEWERS, ("change_page",), CHOOSE_MEDIA, (*ADMIN_ACCESS, *READERSHIP)),
    Role(
        PUBLISHERS,
        ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
        MANAGE_MEDIA,
        # Publishers answer for the site, so they read (and export) the consent log too.
        (
            *ADMIN_ACCESS,
            *REGIONS,
            "regions.delete_region",
            *READERSHIP,
            "consent.view_consentrecord",
        ),
    ),
)


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_role(role: Role, root: Page) -> Group:
    """Create or complete a group; permissions an operator added by hand are kept."""
    group, _ = Group.objects.get_or_create(name=role.name)
    for codename in role.page_permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=_permission(f"wagtailcore.{codename}")
        )
    collection = Collection.get_first_root_node()
    for dotted in role.collection_permissions:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(dotted)
        )
    group.permissions.add(*(_permission(dotted) for dotted in role.model_permissions))
    return group


def ensure_review_workflow(root: Page, reviewers: Group, publishers: Group) -> Workflow:
    """Review by a Reviewer, then sign-off by a Publisher, for every page under `root`."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    tasks = []
    for name, group in ((REVIEW_TASK, reviewers), (SIGN_OFF_TASK, publishers)):
        task = GroupApprovalTask.objects.filter(name=name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=name)
        task.groups.set([group])
        tasks.append(task)
    for order, task in enumerate(tasks):
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def ensure_editorial_roles(root: Page) -> dict[str, Group]:
    """Groups, their permissions on `root` and below, and the review workflow on `root`."""
    groups = {role.name: ensure_role(role, root) for role in ROLES}
    ensure_review_workflow(root, groups[REVIEWERS], groups[PUBLISHERS])
    return groups
