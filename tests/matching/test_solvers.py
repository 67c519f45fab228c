"""Solvers for a challenge (揭榜方推荐) from the matcher, on the real backends, and the
invitations: who is proposed and why, who is never proposed, who is told, what is
counted, and the pages' permissions and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.roles import Role
from market.models import (
    ApplicationStatus,
    ChallengeStatus,
    Confidentiality,
    TechField,
)
from market.services.challenges import publish_challenge
from matching.models import SolverInvitation, SolverProposal
from matching.services.solvers import (
    SolverError,
    invitation_counts,
    invite_solver,
    refresh_solvers,
)
from matching.services.training import train_model
from tests.factories import (
    ChallengeApplicationFactory,
    ChallengeFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = ChallengeStatus


def field(code: str) -> TechField:
    return TechField.objects.get(code=code)


def battery_outcome(organisation, title, **kwargs):
    defaults = dict(
        published=True,
        organisation=organisation,
        title=title,
        summary="融合电芯温升、产气与内阻的多参数模型，提前预警锂电池热失控。",
        keywords=["锂电池", "热失控", "早期预警", "储能"],
        description="<p>面向储能电站与动力电池包，提前十分钟预警热失控。</p>",
        field=field("0603"),
        maturity=7,
        price_wan=Decimal("80"),
    )
    defaults.update(kwargs)
    return OutcomeFactory(**defaults)


@pytest.fixture
def scene(backend, index_now):
    """A published battery-safety challenge and the organisations around it."""
    issuer = OrganisationFactory(name="苏州储能科技有限公司")
    lab = OrganisationFactory(name="江南理工大学", is_verified=True)
    institute = OrganisationFactory(name="东吴储能研究院")
    hidden = OrganisationFactory(name="匿名电池实验室")
    farm = OrganisationFactory(name="太湖农业科技")
    veteran = OrganisationFactory(name="常州电池检测中心")
    outcomes = [
        battery_outcome(lab, "锂电池热失控多参数早期预警系统"),
        battery_outcome(
            institute,
            "储能电池包热失控预警传感器",
            summary="储能电池包产气传感器，预警锂电池热失控。",
        ),
        battery_outcome(
            institute,
            "锂电池热失控蔓延抑制材料",
            summary="抑制储能锂电池热失控蔓延的阻燃隔热材料。",
        ),
        battery_outcome(
            hidden,
            "锂电池热失控早期预警算法",
            confidentiality=Confidentiality.ANONYMOUS,
        ),
        battery_outcome(issuer, "锂电池热失控预警平台（自有）"),
        OutcomeFactory(
            published=True,
            organisation=farm,
            title="铁皮石斛组培快繁技术",
            summary="铁皮石斛组织培养与快速繁殖，移栽成活率高。",
            keywords=["石斛", "组培", "快繁"],
            description="<p>药用植物石斛的组培快繁体系。</p>",
            field=field("0202"),
        ),
    ]
    index_now(*outcomes)
    train_model(dimensions=4)
    challenge = ChallengeFactory(
        issuer=issuer,
        status=S.PUBLISHED,
        title="储能电站锂电池热失控早期预警",
        objectives="热失控发生前 10 分钟预警，误报率低于 1 %。",
        background="<p>储能电站锂电池包热失控蔓延快，现有电池管理系统预警滞后。</p>",
        deliverables="预警系统样机与检测报告。",
        field=field("0603"),
    )
    # An earlier application in the same field (新能源 06) by an organisation
    # without any matching outcome.
    earlier = ChallengeFactory(status=S.CLOSED, field=field("0601"))
    ChallengeApplicationFactory(
        challenge=earlier,
        lead_organisation=veteran,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=40),
    )
    return {
        "challenge": challenge,
        "issuer": issuer,
        "lab": lab,
        "institute": institute,
        "hidden": hidden,
        "farm": farm,
        "veteran": veteran,
    }


def proposed(challenge) -> list[int]:
    return list(
        SolverProposal.objects.filter(challenge=challenge)
        .order_by("rank")
        .values_list("organisation_id", flat=True)
    )


def test_solvers_are_the_fitting_organisations_never_the_issuer_or_a_hidden_owner(
    scene,
):
    stored = refresh_solvers(scene["challenge"].pk)

    ranked = proposed(scene["challenge"])
    assert stored == len(ranked)
    assert set(ranked[:2]) == {scene["lab"].pk, scene["institute"].pk}
    assert scene["issuer"].pk not in ranked
    # Only an anonymous outcome would have named this laboratory.
    assert scene["hidden"].pk not in ranked
    if scene["farm"].pk in ranked:
        assert ranked.index(scene["farm"].pk) > ranked.index(scene["lab"].pk)


def test_a_solver_proposal_explains_itself(scene):
    refresh_solvers(scene["challenge"].pk)

    lab = SolverProposal.objects.get(
        challenge=scene["challenge"], organisation=scene["lab"]
    )
    institute = SolverProposal.objects.get(
        challenge=scene["challenge"], organisation=scene["institute"]
    )
    assert "热失控" in lab.shared_terms
    assert [e["title"] for e in lab.evidence] == ["锂电池热失控多参数早期预警系统"]
    # Two fitting outcomes count for a little more than one.
    assert len(institute.evidence) == 2
    assert institute.components["breadth"] > 0 == lab.components["breadth"]
    assert lab.engine_version and lab.model_version.startswith("lsa")


def test_an_earlier_applicant_in_the_field_is_proposed_on_its_history(scene):
    refresh_solvers(scene["challenge"].pk)

    veteran = SolverProposal.objects.get(
        challenge=scene["challenge"], organisation=scene["veteran"]
    )
    assert veteran.past_applications == 1
    assert veteran.evidence == []
    assert veteran.components["history"] > 0


def test_refreshing_twice_keeps_one_row_per_organisation(scene):
    first = refresh_solvers(scene["challenge"].pk)
    second = refresh_solvers(scene["challenge"].pk)

    assert first == second == SolverProposal.objects.count()


def test_a_challenge_not_published_keeps_what_it_had(scene):
    challenge = scene["challenge"]
    refresh_solvers(challenge.pk)
    before = proposed(challenge)
    challenge.status = S.CLOSED
    challenge.save(update_fields=["status"])

    assert refresh_solvers(challenge.pk) == 0
    assert proposed(challenge) == before


def test_publishing_a_challenge_computes_its_solvers(
    scene, eager_celery, django_capture_on_commit_callbacks
):
    moderator = UserFactory(roles=[Role.MODERATOR])
    challenge = ChallengeFactory(
        issuer=scene["issuer"],
        status=S.SUBMITTED,
        title="储能锂电池热失控预警",
        field=field("0603"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish_challenge(challenge.pk, by_user_id=moderator.pk)

    assert scene["lab"].pk in proposed(challenge)


# -- invitations ----------------------------------------------------------------


@pytest.fixture
def invitable(db):
    issuer = OrganisationFactory(name="苏州储能科技有限公司")
    solver = OrganisationFactory(name="江南理工大学")
    challenge = ChallengeFactory(issuer=issuer, status=S.PUBLISHED)
    issuer_user = MembershipFactory(organisation=issuer).user
    solver_users = [MembershipFactory(organisation=solver).user for _ in range(2)]
    bystander = UserFactory()
    return {
        "challenge": challenge,
        "issuer": issuer,
        "solver": solver,
        "issuer_user": issuer_user,
        "solver_users": solver_users,
        "bystander": bystander,
    }


def test_an_invitation_tells_every_member_of_the_solver_and_nobody_else(
    invitable, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite_solver(
            invitable["challenge"].pk,
            invitable["solver"].pk,
            by_user_id=invitable["issuer_user"].pk,
            message="欢迎贵校揭榜。",
        )

    told = set(
        Notification.objects.filter(kind="solver_invited").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {u.pk for u in invitable["solver_users"]}
    note = Notification.objects.filter(kind="solver_invited").first()
    assert invitable["challenge"].title in note.subject
    assert "苏州储能科技有限公司" in note.body and "欢迎贵校揭榜。" in note.body
    assert note.url == reverse("challenges:detail", args=[invitable["challenge"].pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in invitable["solver_users"]
    )


def test_an_anonymous_challenge_invitation_does_not_name_the_issuer(
    invitable, django_capture_on_commit_callbacks
):
    challenge = invitable["challenge"]
    challenge.confidentiality = Confidentiality.ANONYMOUS
    challenge.save(update_fields=["confidentiality"])
    with django_capture_on_commit_callbacks(execute=True):
        invite_solver(
            challenge.pk,
            invitable["solver"].pk,
            by_user_id=invitable["issuer_user"].pk,
        )

    note = Notification.objects.get(recipient=invitable["solver_users"][0])
    assert "苏州储能科技有限公司" not in note.body + note.subject


def test_invitations_refused_twice_to_the_issuer_after_applying_or_when_closed(
    invitable,
):
    challenge, solver = invitable["challenge"], invitable["solver"]
    by = invitable["issuer_user"].pk
    invite_solver(challenge.pk, solver.pk, by_user_id=by)

    with pytest.raises(SolverError) as twice:
        invite_solver(challenge.pk, solver.pk, by_user_id=by)
    assert twice.value.code == "already_invited"
    with pytest.raises(SolverError) as own:
        invite_solver(challenge.pk, invitable["issuer"].pk, by_user_id=by)
    assert own.value.code == "issuer"
    applicant = OrganisationFactory()
    ChallengeApplicationFactory(challenge=challenge, lead_organisation=applicant)
    with pytest.raises(SolverError) as applied:
        invite_solver(challenge.pk, applicant.pk, by_user_id=by)
    assert applied.value.code == "already_applied"
    challenge.application_deadline = timezone.now() - dt.timedelta(minutes=1)
    challenge.save(update_fields=["application_deadline"])
    with pytest.raises(SolverError) as closed:
        invite_solver(challenge.pk, OrganisationFactory().pk, by_user_id=by)
    assert closed.value.code == "closed"
    assert SolverInvitation.objects.count() == 1


def test_invitations_and_who_applied_after_them_are_counted(invitable):
    challenge, solver = invitable["challenge"], invitable["solver"]
    other = OrganisationFactory()
    invite_solver(challenge.pk, solver.pk, by_user_id=invitable["issuer_user"].pk)
    invite_solver(challenge.pk, other.pk, by_user_id=invitable["issuer_user"].pk)
    counts = invitation_counts(challenge.pk)
    assert (counts.invited, counts.applied_after) == (2, 0)

    ChallengeApplicationFactory(challenge=challenge, lead_organisation=solver)

    counts = invitation_counts(challenge.pk)
    assert (counts.invited, counts.applied_after) == (2, 1)


# -- pages ------------------------------------------------------------------------


@pytest.fixture
def page_scene(invitable, role_groups):
    challenge = invitable["challenge"]
    SolverProposal.objects.create(
        challenge=challenge,
        organisation=invitable["solver"],
        rank=1,
        score=0.82,
        components={"outcomes": 0.82, "breadth": 0.0, "history": 0.0},
        evidence=[],
        shared_terms=["热失控"],
        engine_version="1",
        computed_at=timezone.now(),
    )
    return invitable


@pytest.fixture
def role_groups(db):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()


def test_solver_page_is_for_the_issuer_agents_and_moderators_only(client, page_scene):
    url = reverse("solvers:list", args=[page_scene["challenge"].pk])
    agent = UserFactory(roles=[Role.AGENT])
    moderator = UserFactory(roles=[Role.MODERATOR])
    expected = {
        "issuer": (page_scene["issuer_user"], 200),
        "agent": (agent, 200),
        "moderator": (moderator, 200),
        "solver": (page_scene["solver_users"][0], 404),
        "bystander": (page_scene["bystander"], 404),
    }
    got = {}
    for role, (user, _status) in expected.items():
        client.force_login(user)
        got[role] = client.get(url).status_code
    assert got == {role: status for role, (_user, status) in expected.items()}
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_issuer_invites_from_the_page(client, page_scene):
    challenge, solver = page_scene["challenge"], page_scene["solver"]
    client.force_login(page_scene["issuer_user"])
    page = client.get(reverse("solvers:list", args=[challenge.pk])).content.decode()
    assert "江南理工大学" in page and "82" in page

    response = client.post(
        reverse("solvers:invite", args=[challenge.pk, solver.pk]),
        {"message": "欢迎揭榜"},
        follow=True,
    )

    invitation = SolverInvitation.objects.get()
    assert invitation.organisation == solver and invitation.message == "欢迎揭榜"
    assert invitation.score == pytest.approx(0.82)
    assert "江南理工大学" in response.content.decode()
    # The invite button is gone once invited.
    page = client.get(reverse("solvers:list", args=[challenge.pk])).content.decode()
    assert reverse("solvers:invite", args=[challenge.pk, solver.pk]) not in page


def test_bad_invitations_from_the_page_change_nothing(client, page_scene):
    challenge = page_scene["challenge"]
    client.force_login(page_scene["issuer_user"])
    too_long = client.post(
        reverse("solvers:invite", args=[challenge.pk, page_scene["solver"].pk]),
        {"message": "长" * 2001},
        follow=True,
    )
    assert "too long" in too_long.content.decode() or "过长" in (
        too_long.content.decode()
    )
    unknown = client.post(
        reverse("solvers:invite", args=[challenge.pk, 987654321]), follow=True
    )
    assert unknown.status_code == 200
    assert not SolverInvitation.objects.exists()
    # Only POST invites; a stranger cannot invite at all.
    assert (
        client.get(
            reverse("solvers:invite", args=[challenge.pk, page_scene["solver"].pk])
        ).status_code
        == 405
    )
    client.force_login(page_scene["bystander"])
    response = client.post(
        reverse("solvers:invite", args=[challenge.pk, page_scene["solver"].pk])
    )
    assert response.status_code == 404
    assert not SolverInvitation.objects.exists()


def test_the_issuers_challenge_page_shows_the_solvers_panel(client, page_scene):
    challenge = page_scene["challenge"]
    client.force_login(page_scene["issuer_user"])

    page = client.get(
        reverse("workbench:challenge_detail", args=[challenge.pk])
    ).content.decode()

    assert "江南理工大学" in page
    assert reverse("solvers:list", args=[challenge.pk]) in page
    # An applicant's view of the same challenge has no such panel.
    client.force_login(page_scene["solver_users"][0])
    page = client.get(
        reverse("workbench:challenge_detail", args=[challenge.pk])
    ).content.decode()
    assert reverse("solvers:list", args=[challenge.pk]) not in page
