"""Security issue 8, defect 1: picking an organisation at sign-up grants nothing.

A stranger signs up choosing an existing organisation and verifies their own email.
On the old code that made them a full member; each test below is something only a
member may do, and the stranger must not be able to do it.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from accounts.roles import Role
from market.models import (
    AccessRequestStatus,
    DetailAccessLog,
    ListingStatus,
    Outcome,
    OutcomeAttachment,
)
from market.services.engagement import request_protected_details
from tests.accounts.conftest import link_path
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "关键工艺：535 °C 固溶 2 小时，175 °C 时效 8 小时。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STRANGER = "stranger@example.cn"


@pytest.fixture
def organisation(role_groups):
    """A verified organisation with a real member, a draft and a published outcome."""
    organisation = OrganisationFactory(is_verified=True, name="江南理工大学")
    MembershipFactory(
        user=UserFactory(roles=[Role.RESEARCHER]), organisation=organisation
    )
    return organisation


def sign_up_and_verify(client, organisation, mailoutbox, capture):
    """Sign up choosing ``organisation`` and open the verification link: logged in."""
    with capture(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "email": STRANGER,
                "display_name": "陌生人",
                "password1": "a-long-passphrase-2026",
                "password2": "a-long-passphrase-2026",
                "role": Role.RESEARCHER.value,
                "organisation": str(organisation.pk),
                "new_organisation_name": "",
                "new_organisation_kind": "",
            },
        )
    assert response.status_code == 302
    (verification,) = [m for m in mailoutbox if m.to == [STRANGER]]
    with capture(execute=True):
        page = client.get(link_path(verification.body), follow=True)
    assert page.context["user"].email == STRANGER  # verified and logged in
    return page.context["user"]


@pytest.fixture
def stranger(
    client, organisation, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    """A stranger who signed up choosing ``organisation`` and verified their email."""
    return sign_up_and_verify(
        client, organisation, mailoutbox, django_capture_on_commit_callbacks
    )


def test_stranger_cannot_edit_the_organisations_draft(client, organisation, stranger):
    draft = OutcomeFactory(organisation=organisation, title="未公开的草稿")
    url = reverse("workbench:outcome_edit", args=[draft.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "被篡改"}).status_code == 404
    assert Outcome.objects.get(pk=draft.pk).title == "未公开的草稿"
    assert "未公开的草稿" not in client.get(reverse("workbench:home")).content.decode()


def test_stranger_cannot_archive_a_published_listing(client, organisation, stranger):
    outcome = OutcomeFactory(organisation=organisation, published=True)

    response = client.post(reverse("workbench:archive", args=[outcome.pk]))

    assert response.status_code == 404
    assert Outcome.objects.get(pk=outcome.pk).status == ListingStatus.PUBLISHED


def test_stranger_cannot_grant_a_protected_details_request(
    client, organisation, stranger
):
    outcome = OutcomeFactory(
        organisation=organisation, published=True, protected_details=SECRET
    )
    buyer = UserFactory(roles=[Role.ENTERPRISE])
    access, _ = request_protected_details(
        outcome.pk, requester_id=buyer.pk, accepted_note=True
    )

    response = client.post(
        reverse("engage:access_decide", args=[access.pk]), {"decision": "grant"}
    )

    assert response.status_code == 403
    access.refresh_from_db()
    assert access.status == AccessRequestStatus.PENDING
    assert "陌生人" not in client.get(reverse("engage:inbox")).content.decode()


def test_stranger_cannot_read_protected_details(client, organisation, stranger):
    outcome = OutcomeFactory(
        organisation=organisation, published=True, protected_details=SECRET
    )

    details = client.get(reverse("engage:details", args=[outcome.pk]))

    assert details.status_code == 200  # the request form, as for any user
    assert SECRET not in details.content.decode()
    assert not DetailAccessLog.objects.filter(user=stranger).exists()


def test_stranger_cannot_read_the_access_log(client, organisation, stranger):
    outcome = OutcomeFactory(
        organisation=organisation, published=True, protected_details=SECRET
    )
    reader = UserFactory(roles=[Role.AGENT], email="agent.reader@example.cn")
    DetailAccessLog.objects.create(listing=outcome, user=reader, reason="agent")

    log = client.get(reverse("engage:access_log", args=[outcome.pk]))

    assert log.status_code == 404
    assert "agent.reader@example.cn" not in log.content.decode()


def test_stranger_cannot_download_a_draft_pdf(client, organisation, stranger):
    draft = OutcomeFactory(organisation=organisation)
    document = get_document_model().objects.create(
        title="检测报告", file=ContentFile(PDF, name="report.pdf")
    )
    OutcomeAttachment.objects.create(outcome=draft, document=document)

    assert client.get(document.url).status_code == 404


def test_the_administrators_own_organisation_is_no_different(
    client, role_groups, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    platform = OrganisationFactory(is_verified=True, name="星海高新区科技创新局")
    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True)
    MembershipFactory(user=admin, organisation=platform, role="admin")
    draft = OutcomeFactory(organisation=platform)
    sign_up_and_verify(client, platform, mailoutbox, django_capture_on_commit_callbacks)

    url = reverse("workbench:outcome_edit", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("workbench:outcome_create")).status_code == 403
