"""Transfer agents in the Wagtail admin see only the listings market.permissions shows them.

Security issue 8, defect 6: the snippet chooser (``chosen/<id>/`` and its search), the
bulk-action pages and the site history report named any draft. Every admin address
is tried here, as an agent, against other organisations' unpublished listings.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from market.models import ListingLogEntry, ListingStatus
from market.services.listings import (
    archive_listing,
    publish_listing,
    reject_listing,
    submit_listing,
    withdraw_listing,
)
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {"outcome": OutcomeFactory, "demand": DemandFactory}
# How each hidden listing gets its status: through the services, so that it has
# revisions and log entries like a real one.
HIDDEN_STATES = ("draft", "submitted", "rejected", "archived")


def _listing(kind: str, state: str, organisation, owner, moderator):
    token = f"zq{state}{kind}zq"  # ASCII: JSON answers escape Chinese
    listing = FACTORIES[kind](title=f"机密{token}", organisation=organisation)
    if state == "own-draft":
        return token, listing
    submit_listing(listing.pk, by_user_id=owner.pk)
    if state == "draft":
        withdraw_listing(listing.pk, by_user_id=owner.pk)
    elif state == "rejected":
        reject_listing(listing.pk, by_user_id=moderator.pk, reason="证据不足")
    elif state in ("published", "archived"):
        publish_listing(listing.pk, by_user_id=moderator.pk)
        if state == "archived":
            archive_listing(listing.pk, by_user_id=moderator.pk)
    listing.refresh_from_db()
    return token, listing


@pytest.fixture
def world(role_groups):
    """An agent (member of an organisation of their own), and another organisation's
    listings of each kind: hidden ones (draft, submitted, rejected, archived) and a
    published one; plus a draft of the agent's own organisation."""
    agent = UserFactory(roles=[Role.AGENT])
    own = MembershipFactory(user=agent).organisation
    other = OrganisationFactory(name="别家大学")
    owner = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=owner, organisation=other)
    moderator = UserFactory(roles=[Role.MODERATOR])
    hidden: dict[str, dict[str, Any]] = {}
    visible: dict[str, Any] = {}
    for kind in FACTORIES:
        hidden[kind] = {}
        for state in HIDDEN_STATES:
            token, listing = _listing(kind, state, other, owner, moderator)
            hidden[kind][token] = listing
            assert listing.status == getattr(ListingStatus, state.upper())
        token, listing = _listing(kind, "published", other, owner, moderator)
        visible[token] = listing
        token, listing = _listing(kind, "own-draft", own, agent, moderator)
        visible[token] = listing
    return {
        "agent": agent,
        "moderator": moderator,
        "hidden": hidden,
        "visible": visible,
        "hidden_tokens": [t for kind in hidden.values() for t in kind],
    }


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def leaked(response, world) -> list[str]:
    text = body(response)
    return [token for token in world["hidden_tokens"] if token in text]


# -- Every admin address --------------------------------------------------------------


def _leaves(patterns, prefix=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _leaves(entry.url_patterns, (*prefix, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (*prefix, entry.pattern), entry.name


_ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _fill(patterns, value_of) -> str | None:
    """The address of a chain of URL patterns with each parameter filled in, or None
    for a catch-all that names no address."""
    parts = []
    for pattern in patterns:
        text = str(pattern)
        if hasattr(pattern, "_route"):
            parts.append(_ROUTE_PARAMETER.sub(lambda m: value_of(m.group(1)), text))
            continue
        text = _REGEX_PARAMETER.sub(lambda m: value_of(m.group(1)), text)
        text = text.removeprefix("^").removesuffix("$").replace("\\.", ".")
        if re.search(r"[\\*+?()\[\]|]", text):
            return None
        parts.append(text)
    return "/" + "".join(parts)


def admin_addresses(world) -> list[str]:
    """Every address of the Wagtail admin, each parameter naming a hidden listing
    (every hidden listing, for the addresses of outcomes and demands)."""
    addresses: list[str] = []
    for patterns, name in _leaves(get_resolver().url_patterns):
        if str(patterns[0]) != "admin/" or name is None:
            continue  # the admin's unnamed catch-all answers any address with a 404
        route = "".join(str(p) for p in patterns)
        if "model_name" in route:
            kinds = list(FACTORIES)
        else:
            kinds = [k for k in FACTORIES if f"/{k}" in route]
        for kind in kinds or ["outcome"]:
            listings = list(world["hidden"][kind].values())
            if not kinds:
                listings = listings[:1]  # another model's address: one id is enough
            actions = [
                action.action_type
                for action in bulk_action_registry.get_bulk_actions_for_model(
                    "market", kind
                )
            ] or ["delete"]
            for listing in listings:
                for action in actions if "<str:action>" in route else [""]:
                    revision = listing.latest_revision
                    values = {
                        "app_label": "market",
                        "app_name": "market",
                        "model_name": kind,
                        "action": action,
                        "revision_id": str(revision.pk if revision else 1),
                        "revision_id_a": "earliest",
                        "revision_id_b": "latest",
                        "token": "0" * 64,
                        "uidb64": "MQ",
                    }
                    values.setdefault("default", str(listing.pk))
                    address = _fill(
                        patterns, lambda name, v=values: v.get(name, v["default"])
                    )
                    if address is not None:
                        addresses.append(address)
    return sorted(set(addresses))


# Wagtail's own addresses that answer 500 to ids they cannot use ("all", the root
# page) or on purpose (/admin/failwhale/ tests error pages). They name pages, images
# and documents, never listings, and are checked for leaks like every other address;
# see the README's known limitations.
WAGTAIL_500 = (
    "/admin/choose-page/chosen-multiple/",
    "/admin/images/chooser/chosen-multiple/",
    "/admin/documents/chooser/chosen-multiple/",
    "/admin/failwhale/",
)


def test_agent_reaches_no_hidden_listing_through_any_admin_address(client, world):
    client.force_login(world["agent"])
    client.raise_request_exception = False
    every_id = "&".join(
        f"id={listing.pk}"
        for kind in world["hidden"].values()
        for listing in kind.values()
    )
    reached, problems = [], []

    def check(url: str) -> int:
        response = client.get(url)
        error = response.status_code >= 500 and not url.startswith(WAGTAIL_500)
        if error or leaked(response, world):
            problems.append((url, response.status_code, leaked(response, world)))
        if "_auth_user_id" not in client.session:  # it was /admin/logout/
            client.force_login(world["agent"])
        return response.status_code

    for address in admin_addresses(world):
        if check(address) != 200:
            continue
        reached.append(address)
        # Searching, choosing several and exporting name no hidden listing either.
        for query in (f"q=机密&{every_id}", "id=all", "export=csv"):
            check(f"{address}?{query}")

    assert problems == [], "\n".join(map(str, problems))
    # The addresses of the report, reached and so checked above.
    for kind in FACTORIES:
        assert f"/admin/snippets/choose/market/{kind}/" in reached, reached
    assert "/admin/reports/site-history/" in reached, reached


# -- The reported paths, one by one ---------------------------------------------------


def test_agent_chooser_lists_and_returns_only_listings_they_may_see(client, world):
    client.force_login(world["agent"])

    for kind in FACTORIES:
        base = f"/admin/snippets/choose/market/{kind}/"
        for url in (base, f"{base}results/", f"{base}?q=zq"):
            response = client.get(url)
            assert response.status_code == 200
            assert leaked(response, world) == []
            assert f"zqpublished{kind}zq" in body(response)
            assert f"zqown-draft{kind}zq" in body(response)
        for listing in world["hidden"][kind].values():
            assert client.get(f"{base}chosen/{listing.pk}/").status_code == 404
            chosen = client.get(f"{base}chosen-multiple/?id={listing.pk}")
            assert leaked(chosen, world) == []
        published = world["visible"][f"zqpublished{kind}zq"]
        chosen = client.get(f"{base}chosen/{published.pk}/")
        assert chosen.status_code == 200
        assert f"zqpublished{kind}zq" in body(chosen)
        assert client.get(f"{base}chosen/not-an-id/").status_code == 404


def test_agent_bulk_action_pages_name_no_hidden_listing(client, world):
    client.force_login(world["agent"])

    for kind, listings in world["hidden"].items():
        ids = "&".join(f"id={listing.pk}" for listing in listings.values())
        hidden = client.get(f"/admin/bulk/market/{kind}/delete/?{ids}")
        every = client.get(f"/admin/bulk/market/{kind}/delete/?id=all")

        assert hidden.status_code == 404 and leaked(hidden, world) == []
        # "All": only what the agent may see, none of it theirs to delete.
        assert every.status_code == 200 and leaked(every, world) == []
        assert f"zqpublished{kind}zq" in body(every)


def test_site_history_shows_an_agent_only_entries_of_listings_they_may_see(
    client, world
):
    client.force_login(world["agent"])

    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/?q=zq"):
        response = client.get(url)
        assert response.status_code == 200
        assert leaked(response, world) == []
        assert "zqpublishedoutcomezq" in body(response)
        assert "zqpublisheddemandzq" in body(response)


def test_moderators_still_see_every_listing_in_choosers_and_site_history(client, world):
    client.force_login(world["moderator"])

    chooser = body(client.get("/admin/snippets/choose/market/outcome/"))
    history = body(client.get("/admin/reports/site-history/"))
    draft = world["hidden"]["outcome"]["zqdraftoutcomezq"]

    assert all(f"zq{state}outcomezq" in chooser for state in HIDDEN_STATES)
    assert all(f"zq{state}outcomezq" in history for state in HIDDEN_STATES)
    chosen = client.get(f"/admin/snippets/choose/market/outcome/chosen/{draft.pk}/")
    assert chosen.status_code == 200


def test_listing_actions_are_logged_in_the_listing_log(world):
    draft = world["hidden"]["outcome"]["zqdraftoutcomezq"]

    actions = set(
        ListingLogEntry.objects.for_instance(draft).values_list("action", flat=True)
    )

    assert actions == {"market.submit_listing", "market.withdraw_listing"}
    assert not ModelLogEntry.objects.filter(object_id=str(draft.pk)).exists()
