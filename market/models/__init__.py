"""Market models, one module per aggregate."""

from market.models.organisation import Organisation, OrganisationKind

__all__ = ["Organisation", "OrganisationKind"]
