"""Accounts app configuration: role groups synced after every migrate, notification receivers."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import notification_kinds, receivers  # noqa: F401 - registers
        from accounts.notifications import notify
        from accounts.selectors import active_organisation_ids
        from accounts.services.roles import sync_role_groups_after_migrate
        from market.membership import register_membership_source
        from market.notifier import register_notifier

        # Permissions are created in post_migrate, so groups can only be wired after it.
        post_migrate.connect(
            sync_role_groups_after_migrate, dispatch_uid="accounts.sync_roles"
        )
        receivers.connect()
        register_membership_source(active_organisation_ids)
        register_notifier(notify)
