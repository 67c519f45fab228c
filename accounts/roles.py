"""The platform's roles, each a Django group with a fixed set of permissions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    ENTERPRISE = "enterprise", _("Enterprise user")
    AGENT = "agent", _("Transfer agent")
    EXPERT = "expert", _("Expert")
    MODERATOR = "moderator", _("Moderator")
    MANAGER = "manager", _("Market manager")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles a person may pick when signing up; the others are granted by an administrator.
SELF_SERVICE_ROLES = (Role.RESEARCHER, Role.ENTERPRISE)

_ORGANISATION_READ = ["market.view_organisation"]
_ORGANISATION_MODERATE = [
    "market.view_organisation",
    "market.change_organisation",
    "market.add_organisation",
    "market.verify_organisation",
]
_ADMIN_ACCESS = ["wagtailadmin.access_admin"]
_LISTING_READ = [
    "market.view_listing",
    "market.view_outcome",
    "market.view_demand",
    "market.view_protected_details",
]
_LISTING_MODERATE = [
    *_LISTING_READ,
    "market.moderate_listing",
    "market.change_outcome",
    "market.change_demand",
    "market.view_interestrequest",
    "market.view_accessrequest",
    "market.view_detailaccesslog",
]
# Challenges (揭榜挂帅) and campaigns: moderators review and correct challenges and
# run campaigns; challenges are created by their issuers in the portal, not here.
_CHALLENGE_MODERATE = [
    "market.view_challenge",
    "market.change_challenge",
    "market.view_campaign",
    "market.add_campaign",
    "market.change_campaign",
]
_REFERENCE_DATA = [
    "market.view_techfield",
    "market.add_techfield",
    "market.change_techfield",
    "market.view_region",
    "market.add_region",
    "market.change_region",
    "market.view_cooperationmode",
    "market.change_cooperationmode",
]

# Deciding who acts for an organisation (its own administrators do so in the portal).
_MEMBERS_MODERATE = [
    "accounts.manage_members",
    # Which fields and regions each transfer agent covers.
    "accounts.view_agentprofile",
    "accounts.add_agentprofile",
    "accounts.change_agentprofile",
    "accounts.view_membership",
    "accounts.view_membershiprequest",
]

# Operator-managed search vocabulary: synonym groups and the jieba user dictionary.
_SEARCH_TERMS = [
    f"search.{action}_{model}"
    for model in ("synonym", "dictionaryword")
    for action in ("view", "add", "change", "delete")
]

# The market statistics dashboard (/statistics/dashboard/): the zone's management
# committee reads it; moderators and administrators too.
_STATISTICS = ["reports.view_dashboard"]
# Managers also read every deal and every agent's pipeline (market.permissions).
_DEALS_READ = ["market.view_deal"]

# Wagtail page permissions on the whole page tree, and image/document permissions on
# the root collection, for the roles that curate the portal.
PAGE_PERMISSION_ROLES = (Role.MODERATOR, Role.ADMINISTRATOR)
PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
COLLECTION_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]

# Permissions are "app_label.codename"; each later issue extends its role's list here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.RESEARCHER: [],
    Role.ENTERPRISE: [],
    Role.AGENT: _ADMIN_ACCESS + _ORGANISATION_READ + _LISTING_READ,
    # Experts are put on challenges' review panels (issue 11).
    Role.EXPERT: ["market.serve_on_panel"],
    Role.MANAGER: _STATISTICS + _DEALS_READ,
    Role.MODERATOR: _ADMIN_ACCESS
    + _ORGANISATION_MODERATE
    + _MEMBERS_MODERATE
    + _LISTING_MODERATE
    + _CHALLENGE_MODERATE
    + _SEARCH_TERMS
    + _STATISTICS,
    Role.ADMINISTRATOR: _ADMIN_ACCESS
    + _ORGANISATION_MODERATE
    + _MEMBERS_MODERATE
    + _LISTING_MODERATE
    + _CHALLENGE_MODERATE
    + _REFERENCE_DATA
    + _SEARCH_TERMS
    + _STATISTICS
    + [
        "market.delete_organisation",
        "accounts.view_user",
        "accounts.change_user",
        "accounts.add_user",
        "accounts.change_membership",
        "accounts.add_membership",
        "accounts.delete_membership",
        "auth.view_group",
        "auth.change_group",
    ],
}
