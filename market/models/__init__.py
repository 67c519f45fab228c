"""Market models, one module per aggregate."""

from market.models.engagement import (
    INTEREST_QUESTIONS,
    AccessReason,
    AccessRequest,
    AccessRequestStatus,
    DeclineReason,
    DetailAccessLog,
    InterestKind,
    InterestRequest,
    InterestStatus,
)
from market.models.import_job import ImportJob, ImportJobState
from market.models.imports import ImportBatch
from market.models.listing import (
    STAGE_LEVELS,
    Confidentiality,
    CooperationMode,
    Demand,
    IPRight,
    IPRightKind,
    IPRightStatus,
    Listing,
    ListingKind,
    ListingStatus,
    Maturity,
    MaturityStage,
    Outcome,
    OutcomeAttachment,
    OutcomeImage,
    maturity_stage,
)
from market.models.log import ListingLogEntry
from market.models.organisation import Organisation, OrganisationKind
from market.models.taxonomy import Region, RegionLevel, TechField

__all__ = [
    "INTEREST_QUESTIONS",
    "STAGE_LEVELS",
    "AccessReason",
    "AccessRequest",
    "AccessRequestStatus",
    "Confidentiality",
    "CooperationMode",
    "DeclineReason",
    "Demand",
    "DetailAccessLog",
    "IPRight",
    "IPRightKind",
    "IPRightStatus",
    "ImportBatch",
    "ImportJob",
    "ImportJobState",
    "InterestKind",
    "InterestRequest",
    "InterestStatus",
    "Listing",
    "ListingKind",
    "ListingLogEntry",
    "ListingStatus",
    "Maturity",
    "MaturityStage",
    "Organisation",
    "OrganisationKind",
    "Outcome",
    "OutcomeAttachment",
    "OutcomeImage",
    "Region",
    "RegionLevel",
    "TechField",
    "maturity_stage",
]
