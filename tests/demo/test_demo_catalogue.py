"""The demo catalogue: enough realistic listings in every field and state, with pictures."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex, Revision

from accounts.demo import load_demo
from accounts.models import Notification
from accounts.roles import Role
from market.completeness import is_quantified
from market.demo_content import DEMANDS, OUTCOMES, patent_check_character
from market.models import (
    Confidentiality,
    Demand,
    IPRight,
    IPRightKind,
    Listing,
    ListingStatus,
    Organisation,
    Outcome,
    OutcomeImage,
    TechField,
)
from market.services.listings import (
    expire_listing,
    missing_for_submission,
    submit_listing,
)

pytestmark = pytest.mark.django_db

S = ListingStatus
CITIES = {
    "3205": "苏州",
    "3101": "上海",
    "4401": "广州",
    "3401": "合肥",
    "1101": "北京",
    "4403": "深圳",
    "3301": "杭州",
    "3201": "南京",
    "4201": "武汉",
    "5101": "成都",
    "6101": "西安",
}


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The counts of one load for the whole module, rolled back after its last test.

    Drawing and saving eighty pictures is the slow part of the demo; each test runs in
    its own savepoint inside this transaction, so it sees the demo and undoes its changes.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_root(settings, demo_media):
    """Renditions read the pictures the module's load wrote (overrides the suite's)."""
    settings.MEDIA_ROOT = demo_media


def demo_listings():
    return Listing.objects.filter(external_id__startswith="demo-")


def snapshot() -> dict[str, object]:
    return {
        "counts": [
            model.objects.count()
            for model in (
                Listing,
                Revision,
                get_image_model(),
                IPRight,
                OutcomeImage,
                Organisation,
                get_user_model(),
                Notification,
            )
        ],
        "listings": list(
            Listing.objects.order_by("pk").values_list(
                "pk", "status", "title", "published_at", "updated_at", "valid_until"
            )
        ),
        "deadlines": list(Demand.objects.order_by("pk").values_list("pk", "deadline")),
    }


def test_load_demo_creates_the_whole_catalogue_once(demo):
    assert demo["outcomes"] == len(OUTCOMES) >= 60
    assert demo["demands"] == len(DEMANDS) >= 40
    assert Outcome.objects.filter(external_id__startswith="demo-").count() >= 60
    assert Demand.objects.filter(external_id__startswith="demo-").count() >= 40
    assert Outcome.objects.published().count() >= 50
    assert Demand.objects.published().count() >= 35


def test_demo_catalogue_publishes_listings_in_all_eight_fields(demo):
    top_level = set(TechField.objects.top_level().values_list("code", flat=True))
    assert len(top_level) == 8
    for model in (Outcome, Demand):
        published = model.objects.published().select_related("field__parent")
        # Every listing sits in a real sub-field, not on a top-level field.
        assert all(item.field.parent_id for item in published)
        fields = {item.field.parent.code for item in published}
        assert fields == top_level, model


def test_demo_outcomes_each_have_a_cover_that_renders_a_thumbnail(demo):
    outcomes = Outcome.objects.select_related("cover_image")
    for outcome in outcomes:
        assert outcome.cover_image is not None, outcome.title
        rendition = outcome.cover_image.get_rendition("fill-320x200")
        assert (rendition.width, rendition.height) == (320, 200)
        # The image library's "usage" finds the outcome behind each cover.
        usage = ReferenceIndex.get_references_to(outcome.cover_image)
        assert outcome.pk in {
            int(pk) for pk in usage.values_list("object_id", flat=True)
        }
    gallery_sizes = Counter(
        OutcomeImage.objects.values_list("outcome_id", flat=True)
    ).values()
    assert len(gallery_sizes) >= 4
    assert all(2 <= size <= 3 for size in gallery_sizes)


def test_load_demo_second_run_creates_and_changes_nothing(demo):
    before = snapshot()
    again = load_demo()
    assert before == snapshot()
    assert set(again.values()) == {0}


def test_demo_published_listings_are_complete_for_submission(demo):
    for listing in Listing.objects.published():
        assert missing_for_submission(listing) == {}, listing.title


def test_demo_publication_went_through_the_life_cycle(demo):
    moderator = get_user_model().objects.get(email="moderator@techmatch.local")
    published = demo_listings().filter(status=S.PUBLISHED)
    for listing in published:
        # Saved by the author, submitted, approved: one revision each.
        assert listing.revisions.count() >= 3, listing.title
        assert listing.reviewed_by_id == moderator.pk
        assert listing.valid_until is not None
    # Spread over the past months, so "newest first" orders a real history.
    days = {listing.published_at.date() for listing in published}
    assert len(days) >= 30
    assert published.filter(is_featured=True).count() >= 5


def test_demo_workbenches_show_every_state(demo):
    states = {
        name: set(
            demo_listings()
            .filter(organisation__name=name)
            .values_list("status", flat=True)
        )
        for name in ("江南理工大学", "苏州智造精密机械有限公司")
    }
    assert {S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.ARCHIVED} <= states[
        "江南理工大学"
    ]
    assert {S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.REJECTED} <= states[
        "苏州智造精密机械有限公司"
    ]
    rejected = demo_listings().filter(status=S.REJECTED)
    assert rejected.exists()
    assert all(len(listing.rejection_reason) > 20 for listing in rejected)
    assert Listing.objects.awaiting_review().count() >= 2


def test_demo_listings_belong_to_the_right_kind_of_organisation(demo):
    for outcome in Outcome.objects.select_related("organisation"):
        assert outcome.organisation.kind in ("university", "institute", "enterprise")
    assert (
        Outcome.objects.filter(
            organisation__kind__in=("university", "institute")
        ).count()
        > Outcome.objects.filter(organisation__kind="enterprise").count() * 5
    )
    assert set(Demand.objects.values_list("organisation__kind", flat=True)) == {
        "enterprise"
    }
    for organisation in Organisation.objects.all():
        organisation.full_clean()  # the added organisations' credit codes too


def test_demo_regions_are_districts_of_the_eleven_cities(demo):
    listings = demo_listings().select_related("region")
    assert all(listing.region.level == 3 for listing in listings)
    assert {listing.region.code[:4] for listing in listings} == set(CITIES)


def test_demo_demand_deadlines_lie_one_to_six_months_ahead(demo):
    today = timezone.localdate()
    for demand in Demand.objects.all():
        assert 28 <= (demand.deadline - today).days <= 186, demand.title


def test_demo_texts_read_like_a_real_catalogue(demo):
    titles = [listing.title for listing in demo_listings()]
    assert len(titles) == len(set(titles))
    # No numbered fillers such as "技术1", "技术2".
    assert not [title for title in titles if re.search(r"\d$", title)]
    for listing in demo_listings().exclude(status=S.DRAFT):
        specific = listing.get_specific()
        assert 80 <= len(specific.summary) <= 300, specific.title
        assert 3 <= len(specific.keywords) <= 6, specific.title
        if isinstance(specific, Outcome):
            assert 2 <= specific.description.count("<p>") <= 4
            assert is_quantified(specific.description)
            assert is_quantified(specific.advantages), specific.title
            assert specific.comparison and specific.applications
            assert 3 <= specific.maturity <= 9
        else:
            assert 2 <= len(specific.objectives) <= 4, specific.title
            assert all(re.search(r"\d", o) for o in specific.objectives)
            assert 3 <= specific.problem.count("<p>") <= 4
            assert specific.expected_maturity is not None


def test_demo_offers_varied_terms(demo):
    outcomes = Outcome.objects.exclude(status=S.DRAFT)
    demands = Demand.objects.exclude(status=S.DRAFT)
    assert outcomes.filter(price_negotiable=True).count() >= 3
    assert outcomes.filter(price_wan__lte=50).exists()
    assert outcomes.filter(price_wan__gte=1000).exists()
    assert demands.filter(budget_negotiable=True).exists()
    assert demands.filter(budget_min_wan__lt=F("budget_max_wan")).count() >= 30
    assert outcomes.exclude(maturity_evidence="").count() >= len(OUTCOMES) - 5
    anonymous = demo_listings().filter(confidentiality=Confidentiality.ANONYMOUS)
    assert anonymous.filter(kind="outcome").count() >= 2
    assert anonymous.filter(kind="demand").exists()
    assert demo_listings().exclude(protected_details="").count() >= 5
    modes = set(demo_listings().values_list("modes__code", flat=True))
    assert modes == {"transfer", "license", "joint", "equity", "development", "service"}


def test_demo_ip_rights_have_well_formed_numbers(demo):
    rights = IPRight.objects.all()
    assert Outcome.objects.filter(ip_rights__isnull=True).count() == 0
    kinds = set(rights.values_list("kind", flat=True))
    assert {IPRightKind.INVENTION, IPRightKind.UTILITY, IPRightKind.SOFTWARE} <= kinds
    numbers = list(rights.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    for right in rights:
        if right.kind in (IPRightKind.INVENTION, IPRightKind.UTILITY):
            match = re.fullmatch(r"(ZL)?(\d{4})([12])(\d{7})\.([\dX])", right.number)
            assert match, right.number
            digits = "".join(match.group(2, 3, 4))
            assert match.group(5) == patent_check_character(digits)
            assert (match.group(1) == "ZL") == (right.legal_status == "granted")
        elif right.kind == IPRightKind.SOFTWARE:
            assert re.fullmatch(r"20\d{2}SR\d{7}", right.number), right.number
        assert right.title


def test_load_demo_keeps_inboxes_quiet_but_notifications_working(demo):
    assert not Notification.objects.exists()
    researcher = get_user_model().objects.get(email="researcher@techmatch.local")
    draft = Outcome.objects.get(external_id="demo-outcome-065")
    submit_listing(draft.pk, by_user_id=researcher.pk)
    moderators = get_user_model().objects.filter(groups__name=Role.MODERATOR)
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == set(
        moderators.values_list("pk", flat=True)
    )


def test_load_demo_moves_passed_deadlines_forward_and_nothing_else(demo):
    today = timezone.localdate()
    lapsed = Demand.objects.published().get(external_id="demo-demand-007")
    expired = Demand.objects.published().get(external_id="demo-demand-008")
    expire_listing(expired.pk)
    Demand.objects.filter(pk__in=[lapsed.pk, expired.pk]).update(
        deadline=today - dt.timedelta(days=3)
    )
    others = list(
        Listing.objects.exclude(pk__in=[lapsed.pk, expired.pk])
        .order_by("pk")
        .values_list("pk", "status", "updated_at")
    )

    counts = load_demo()

    assert counts["deadlines_refreshed"] == 2
    for demand, spec_no in ((lapsed, 7), (expired, 8)):
        demand.refresh_from_db()
        spec = DEMANDS[spec_no - 1]
        assert demand.status == S.PUBLISHED
        assert demand.deadline == today + dt.timedelta(days=spec.days)
        assert demand.valid_until == demand.deadline
        assert missing_for_submission(demand) == {}
    assert others == list(
        Listing.objects.exclude(pk__in=[lapsed.pk, expired.pk])
        .order_by("pk")
        .values_list("pk", "status", "updated_at")
    )


# -- Challenges ---------------------------------------------------------------------


def test_demo_challenges_show_every_stage_with_applications(demo):
    from market.demo_content import CHALLENGES, DEMO_CAMPAIGN
    from market.models import (
        ApplicationStatus,
        Campaign,
        Challenge,
        ChallengeApplication,
        ChallengeStatus,
    )

    assert demo["challenges"] == len(CHALLENGES)
    assert demo["campaigns"] == 1
    stages = set(Challenge.objects.values_list("status", flat=True))
    assert stages == {
        ChallengeStatus.DRAFT,
        ChallengeStatus.SUBMITTED,
        ChallengeStatus.PUBLISHED,
        ChallengeStatus.UNDER_REVIEW,
        ChallengeStatus.AWARDED,
        ChallengeStatus.IN_PROGRESS,
        ChallengeStatus.PAID_OUT,
    }
    campaign = Campaign.objects.get(title=DEMO_CAMPAIGN)
    assert campaign.challenges.count() == 3
    # Every challenge came from its issuer's own demand, through the life cycle.
    for challenge in Challenge.objects.select_related("source_demand"):
        assert challenge.source_demand.organisation_id == challenge.issuer_id
        steps = list(challenge.transitions.values_list("to_status", flat=True))
        assert steps[-1:] == ([challenge.status] if steps else [])
    paid = Challenge.objects.get(status=ChallengeStatus.PAID_OUT)
    assert paid.awarded_application.status == ApplicationStatus.SUBMITTED
    awarded = Challenge.objects.get(status=ChallengeStatus.AWARDED)
    assert awarded.objection_period_running()
    open_one = Challenge.objects.get(status=ChallengeStatus.PUBLISHED)
    assert open_one.accepts_applications()
    assert set(
        ChallengeApplication.objects.filter(challenge=open_one).values_list(
            "status", flat=True
        )
    ) == {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED}
    assert demo["applications"] == ChallengeApplication.objects.count() >= 8


def test_demo_challenges_in_delivery_have_their_records(demo):
    from market.models import Challenge, ChallengeStatus, MilestoneStatus
    from market.selectors import indicator_results

    paid = Challenge.objects.get(status=ChallengeStatus.PAID_OUT)
    assert sum(p.amount_wan for p in paid.payouts.all()) == paid.bounty_wan
    assert paid.payouts.count() == 3
    assert paid.delivery_milestones.filter(status=MilestoneStatus.ACCEPTED).exists()
    results = indicator_results(paid)
    assert results and all(r.achieved is not None and r.met for r in results)
    running = Challenge.objects.get(status=ChallengeStatus.IN_PROGRESS)
    assert running.delivery_milestones.count() == 2
    assert running.payouts.count() == 1
    assert not running.measurements.exists()


def test_demo_challenges_are_reviewed_by_the_demo_expert(demo):
    from market.models import Challenge, ChallengeStatus, ReviewPanel, ScoreSheet
    from market.selectors import review_ranking

    reviewed = Challenge.objects.filter(
        status__in=[
            ChallengeStatus.UNDER_REVIEW,
            ChallengeStatus.AWARDED,
            ChallengeStatus.IN_PROGRESS,
            ChallengeStatus.PAID_OUT,
        ]
    )
    assert reviewed.exists()
    for challenge in reviewed:
        assert ScoreSheet.objects.filter(application__challenge=challenge).exists()
        panel = ReviewPanel.objects.get(challenge=challenge)
        assert panel.is_closed is (challenge.status != ChallengeStatus.UNDER_REVIEW)
        if challenge.awarded_application_id:
            # The issuer confirmed the top of the ranking.
            top = review_ranking(challenge.pk)[0]
            assert top.application.pk == challenge.awarded_application_id


def test_load_demo_second_run_adds_no_challenge(demo):
    from market.models import Campaign, Challenge, ChallengeApplication

    before = (
        Campaign.objects.count(),
        Challenge.objects.count(),
        ChallengeApplication.objects.count(),
    )
    counts = load_demo()
    assert (counts["campaigns"], counts["challenges"], counts["applications"]) == (
        0,
        0,
        0,
    )
    assert (
        Campaign.objects.count(),
        Challenge.objects.count(),
        ChallengeApplication.objects.count(),
    ) == before


def test_demo_deals_sit_at_every_stage_over_the_last_year(demo):
    from market.models import DEAL_STAGE_ORDER, Deal, DealStage

    deals = list(Deal.objects.select_related("agent"))
    stages = Counter(deal.stage for deal in deals)
    assert set(stages) == {*DEAL_STAGE_ORDER, DealStage.TERMINATED}
    assert {deal.agent.email for deal in deals} == {"agent@techmatch.local"}
    assert len({deal.mode for deal in deals}) >= 4
    assert len({deal.field_id for deal in deals}) >= 4
    assert len({deal.buyer_region_id for deal in deals}) >= 3
    now = timezone.now()
    ages = [(now - deal.created_at).days for deal in deals]
    assert max(ages) <= 366 and max(ages) >= 300 and min(ages) <= 31
    assert all(deal.transitions.count() >= 1 for deal in deals)
    assert any(deal.offers.exists() for deal in deals)
    assert any(deal.payments.exists() for deal in deals)
    registered = [d for d in deals if d.registration_number]
    assert registered and all(d.transaction_amount_wan for d in registered)
    count = len(deals)
    load_demo()
    assert Deal.objects.count() == count


def test_demo_statistics_show_deals_at_every_stage(demo, client):
    """The dashboard has real shapes after `make run`: deals at every stage, registered
    contracts on the public page (reports/)."""
    from reports.params import Cuts as ReportCuts
    from reports.params import preset_period
    from reports.selectors import deals_by_stage, public_contracts_by_month

    period = preset_period("all")
    stages = {
        row["stage"]: row["deals"] for row in deals_by_stage(period, ReportCuts())
    }
    assert all(stages.values()), stages
    registered = public_contracts_by_month(period, ReportCuts())
    assert sum(row["contracts"] for row in registered) > 0
    assert client.get("/statistics/?preset=all").status_code == 200
    client.force_login(get_user_model().objects.get(email="manager@techmatch.local"))
    assert client.get("/statistics/dashboard/?preset=all").status_code == 200
