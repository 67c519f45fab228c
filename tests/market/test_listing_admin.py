"""Outcomes, demands and reference data in the Wagtail admin: lists, forms, revisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.admin.rich_text import DraftailRichTextArea

from accounts.roles import Role
from market.models import (
    Confidentiality,
    Demand,
    IPRight,
    IPRightKind,
    ListingStatus,
    Outcome,
    RegionLevel,
    TechField,
)
from market.services.listings import publish_listing
from market.signals import listings_changed
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OUTCOMES = reverse("market_outcomes:list")
DEMANDS = reverse("market_demands:list")


def edit_url(listing) -> str:
    namespace = "market_outcomes" if isinstance(listing, Outcome) else "market_demands"
    return reverse(f"{namespace}:edit", args=[listing.pk])


def form_data(form, **changes: Any) -> dict[str, Any]:
    """What the browser posts back for an unchanged form, with ``changes`` applied."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, DraftailRichTextArea):
            data[name] = field.widget.format_value(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    data.update(changes)
    return data


@pytest.fixture
def moderator_client(client, role_groups):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    return client


def test_outcome_list_shows_status_and_filters_by_status(moderator_client):
    OutcomeFactory(published=True, title="已发布的储能材料")
    OutcomeFactory(submitted=True, title="审核中的储能材料")

    everything = moderator_client.get(OUTCOMES)
    published = moderator_client.get(OUTCOMES, {"status": ListingStatus.PUBLISHED})

    assert everything.status_code == 200
    assert {o.title for o in everything.context["object_list"]} == {
        "已发布的储能材料",
        "审核中的储能材料",
    }
    assert [o.title for o in published.context["object_list"]] == ["已发布的储能材料"]
    with translation.override(settings.LANGUAGE_CODE):
        awaiting_review = str(ListingStatus.SUBMITTED.label)
    assert awaiting_review in everything.content.decode()  # the status, translated


def test_outcome_list_searches_titles_and_filters_by_field_and_organisation(
    moderator_client,
):
    university = OrganisationFactory(name="江南理工大学")
    OutcomeFactory(
        title="钙钛矿叠层太阳能电池",
        field=TechField.objects.get(code="0601"),
        organisation=university,
    )
    OutcomeFactory(title="高强韧铝合金", field=TechField.objects.get(code="0401"))

    searched = moderator_client.get(OUTCOMES, {"q": "钙钛矿"})
    by_top_field = moderator_client.get(
        OUTCOMES, {"field": TechField.objects.get(code="04").pk}
    )
    by_organisation = moderator_client.get(OUTCOMES, {"organisation": university.pk})

    assert [o.title for o in searched.context["object_list"]] == [
        "钙钛矿叠层太阳能电池"
    ]
    assert [o.title for o in by_top_field.context["object_list"]] == ["高强韧铝合金"]
    assert [o.title for o in by_organisation.context["object_list"]] == [
        "钙钛矿叠层太阳能电池"
    ]


def test_demand_list_filters_by_budget_negotiable(moderator_client):
    DemandFactory(title="预算面议的需求", budget_negotiable=True)
    DemandFactory(title="预算明确的需求", budget_negotiable=False)

    response = moderator_client.get(DEMANDS, {"budget_negotiable": "true"})

    assert [d.title for d in response.context["object_list"]] == ["预算面议的需求"]


def test_published_rows_offer_archive_and_submitted_rows_publish(moderator_client):
    published = OutcomeFactory(published=True)
    submitted = OutcomeFactory(submitted=True)

    html = moderator_client.get(OUTCOMES).content.decode()

    assert reverse("market_review:archive", args=[published.pk]) in html
    assert reverse("market_review:publish", args=[submitted.pk]) in html
    assert reverse("market_review:archive", args=[submitted.pk]) not in html


def test_outcome_edit_form_has_no_life_cycle_fields(moderator_client):
    outcome = OutcomeFactory(published=True)

    response = moderator_client.get(edit_url(outcome))

    assert response.status_code == 200
    fields = set(response.context["form"].fields)
    assert {"title", "summary", "description", "modes", "contact_name"} <= fields
    assert not fields & {
        "status",
        "submitted_at",
        "published_at",
        "valid_until",
        "reviewed_by",
        "rejection_reason",
        "archived_at",
        "created_by",
    }
    # A published listing offers "Archive" in the header.
    assert reverse("market_review:archive", args=[outcome.pk]) in (
        response.content.decode()
    )


def test_outcome_edit_saves_a_revision_and_keeps_the_status(moderator_client):
    outcome = OutcomeFactory(published=True)
    publish_date = outcome.valid_until
    revisions_before = outcome.revisions.count()
    form = moderator_client.get(edit_url(outcome)).context["form"]

    response = moderator_client.post(
        edit_url(outcome),
        form_data(
            form,
            title="高强韧铝合金（修订版）",
            keywords="铝合金\n轻量化\n",
            status=ListingStatus.DRAFT,  # not a form field: ignored
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    outcome.refresh_from_db()
    assert outcome.title == "高强韧铝合金（修订版）"
    assert outcome.keywords == ["铝合金", "轻量化"]
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.valid_until == publish_date
    assert outcome.revisions.count() == revisions_before + 1
    history = moderator_client.get(
        reverse("market_outcomes:history", args=[outcome.pk])
    )
    assert history.status_code == 200


def test_editing_a_published_listing_announces_the_change(moderator_client):
    outcome = OutcomeFactory(published=True)
    announced: list[list[int]] = []

    def receiver(sender, listing_ids, **kwargs):
        announced.append(list(listing_ids))

    listings_changed.connect(receiver)
    try:
        form = moderator_client.get(edit_url(outcome)).context["form"]
        moderator_client.post(edit_url(outcome), form_data(form, summary="新的摘要。"))
    finally:
        listings_changed.disconnect(receiver)

    assert announced == [[outcome.pk]]


def test_reverting_to_a_revision_from_review_does_not_undo_the_publication(
    moderator_client,
):
    outcome = OutcomeFactory(submitted=True, title="审核时的标题")
    in_review = outcome.save_revision(clean=False)
    moderator = UserFactory(roles=[Role.MODERATOR])
    publish_listing(outcome.pk, by_user_id=moderator.pk)
    revert_url = reverse(
        "market_outcomes:revisions_revert", args=[outcome.pk, in_review.pk]
    )
    form = moderator_client.get(revert_url).context["form"]

    response = moderator_client.post(revert_url, form_data(form))

    assert response.status_code == 302, response.context["form"].errors
    outcome.refresh_from_db()
    assert outcome.title == "审核时的标题"
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.valid_until is not None
    assert outcome.reviewed_by == moderator


def test_demand_objectives_are_edited_one_per_line(moderator_client):
    demand = DemandFactory(submitted=True)
    form = moderator_client.get(edit_url(demand)).context["form"]
    assert form["objectives"].value() == "出水镍 ≤ 0.1 mg/L\n吨水成本 ≤ 3 元"

    response = moderator_client.post(
        edit_url(demand),
        form_data(form, objectives="出水镍 ≤ 0.05 mg/L\n\n运行成本 ≤ 2 元/吨"),
    )

    assert response.status_code == 302, response.context["form"].errors
    demand = Demand.objects.get(pk=demand.pk)
    assert demand.objectives == ["出水镍 ≤ 0.05 mg/L", "运行成本 ≤ 2 元/吨"]
    assert demand.status == ListingStatus.SUBMITTED


def test_inspect_shows_the_owner_of_an_anonymous_listing_to_a_moderator(
    moderator_client,
):
    outcome = OutcomeFactory(
        submitted=True,
        confidentiality=Confidentiality.ANONYMOUS,
        organisation=OrganisationFactory(name="华东新材料研究院"),
        protected_details="中试线工艺参数见附件。",
    )
    IPRight.objects.create(
        outcome=outcome,
        kind=IPRightKind.INVENTION,
        number="ZL202310123456.7",
        title="一种高强韧铝合金及其制备方法",
    )

    response = moderator_client.get(
        reverse("market_outcomes:inspect", args=[outcome.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "华东新材料研究院" in html
    assert "中试线工艺参数见附件。" in html
    assert "稀土微合金化" in html  # the rich-text description, rendered
    assert "ZL202310123456.7" in html and "一种高强韧铝合金及其制备方法" in html
    labels = [str(field["label"]) for field in response.context["fields"]]
    with translation.override(settings.LANGUAGE_CODE):
        assert str(IPRight._meta.verbose_name_plural) in labels
    assert "&lt;p&gt;" not in html


def test_agent_lists_published_listings_but_not_other_organisations_drafts(
    client, role_groups
):
    agent = UserFactory(roles=[Role.AGENT])
    own = MembershipFactory(user=agent).organisation
    OutcomeFactory(published=True, title="公开的成果")
    OutcomeFactory(title="自己机构的草稿", organisation=own)
    draft = OutcomeFactory(title="别人的草稿")
    client.force_login(agent)

    listing = client.get(OUTCOMES)
    inspect = client.get(reverse("market_outcomes:inspect", args=[draft.pk]))
    edit = client.get(edit_url(draft))

    assert {o.title for o in listing.context["object_list"]} == {
        "公开的成果",
        "自己机构的草稿",
    }
    assert inspect.status_code in (302, 403)
    assert edit.status_code in (302, 403)


def test_researcher_cannot_open_the_listing_admin(client, role_groups):
    client.force_login(UserFactory(roles=[Role.RESEARCHER]))

    response = client.get(OUTCOMES)

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_listings_are_not_offered_under_snippets(moderator_client):
    html = moderator_client.get(reverse("wagtailadmin_home")).content.decode()

    assert OUTCOMES in html and DEMANDS in html
    assert moderator_client.get(reverse("wagtailsnippets:index")).status_code == 302


def test_administrator_filters_regions_by_level_and_searches_by_code(
    client, role_groups
):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    regions = reverse("market_regions:index")

    provinces = client.get(regions, {"level": RegionLevel.PROVINCE})
    by_code = client.get(regions, {"q": "320506"})

    assert provinces.status_code == 200
    assert {r.level for r in provinces.context["page_obj"].paginator.object_list} == {
        RegionLevel.PROVINCE
    }
    assert [r.code for r in by_code.context["object_list"]] == ["320506"]


def test_administrator_edits_a_technology_field(client, role_groups):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    field = TechField.objects.get(code="0401")
    url = reverse("market_tech_fields:edit", args=[field.pk])
    form = client.get(url).context["form"]

    response = client.post(
        url, form_data(form, name_en="Metallic materials", keywords="铝合金\n钛合金")
    )

    assert response.status_code == 302, response.context["form"].errors
    field.refresh_from_db()
    assert field.name_en == "Metallic materials"
    assert field.keywords == ["铝合金", "钛合金"]


def test_reference_data_is_for_administrators_not_moderators(client, role_groups):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.get(reverse("market_regions:index"))

    assert reverse("market_regions:index") not in home
    assert response.status_code == 302
