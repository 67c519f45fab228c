"""Keep the role groups and their permissions as accounts.roles declares them."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.roles import (
    COLLECTION_PERMISSIONS,
    PAGE_PERMISSION_ROLES,
    PAGE_PERMISSIONS,
    ROLE_PERMISSIONS,
    Role,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def sync_role_groups() -> dict[str, int]:
    """Create each role's group and set its permissions exactly; returns counts per role."""
    counts: dict[str, int] = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = ROLE_PERMISSIONS.get(role, [])
        perms = _permissions(role, wanted)
        group.permissions.set(perms)
        counts[role.value] = len(perms)
        if role in PAGE_PERMISSION_ROLES:
            _grant_tree_permissions(group)
    return counts


def _permissions(role: str, dotted_names: list[str]) -> list[Permission]:
    perms = []
    for dotted in dotted_names:
        app_label, codename = dotted.split(".", 1)
        perm = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if perm is None:
            # Happens only while the app that declares it is not migrated yet.
            logger.warning("role %s: permission %s does not exist yet", role, dotted)
            continue
        perms.append(perm)
    return perms


def _grant_tree_permissions(group: Group) -> None:
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
    )

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root_page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for perm in _permissions(group.name, COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=perm
            )


def sync_role_groups_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver: run once, after the last app's permissions exist."""
    from django.apps import apps

    with_models = [
        config.label for config in apps.get_app_configs() if config.models_module
    ]
    if getattr(sender, "label", None) == with_models[-1]:
        sync_role_groups()


def grant_role(user: Any, role: str) -> None:
    """Add ``user`` to the group of ``role``."""
    group, _ = Group.objects.get_or_create(name=Role(role).value)
    user.groups.add(group)
