"""Public GETs never answer 5xx to malformed query parameters (security issue 8, defect 2).

The regression tests send the reported inputs to the four addresses of the report;
the fuzz test sends a few thousand generated query strings to every public address
that reads query parameters, on PostgreSQL and Elasticsearch.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.models import EventIndexPage, HomePage, NewsIndexPage, NewsPage
from market.models import CampaignStatus, Challenge, ChallengeStatus
from market.params import MAX_PAGE, parse_int
from search.backends import get_backend
from search.query import MAX_PER_PAGE
from search.sync import drain_all, record_changes
from tests.factories import DemandFactory, OutcomeFactory
from tests.factories.challenges import CampaignFactory, ChallengeFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 5000  # more digits than int() converts (4,300): a ValueError, then a 500
TITLE = re.compile(r'<h3 class="listing-title"><a href="[^"]+">([^<]+)</a>')


@pytest.fixture
def elasticsearch(settings):
    """Search on the test Elasticsearch, with this worker's indices emptied."""
    settings.SEARCH_BACKEND = "elasticsearch"
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    yield engine
    engine.drop_all()
    engine.forget_vocabulary()


@pytest.fixture
def listings(db):
    """A published outcome and demand."""
    return {
        "outcome": OutcomeFactory(
            title="工业机器人精密减速器", maturity=6, published=True
        ),
        "demand": DemandFactory(title="光伏组件清洗机器人", published=True),
    }


@pytest.fixture
def indexed(listings, elasticsearch):
    """The published listings, searchable in Elasticsearch."""
    record_changes([listing.pk for listing in listings.values()])
    drain_all()
    elasticsearch.refresh()
    return listings


@pytest.fixture
def market(indexed):
    """The indexed listings and the editorial pages that paginate."""
    home = HomePage.objects.get()
    for page in (NewsIndexPage(title="新闻动态"), EventIndexPage(title="活动")):
        home.add_child(instance=page)
        page.save_revision().publish()
    news = NewsIndexPage.objects.get()
    news.add_child(instance=NewsPage(title="新闻", date=dt.date(2026, 3, 1)))
    campaign = CampaignFactory(status=CampaignStatus.RESULTS, results="签约 3 项")
    ChallengeFactory(status=ChallengeStatus.PUBLISHED, campaign=campaign)
    return indexed


# -- The reported inputs --------------------------------------------------------------

REPORTED = [
    "page=²",
    f"page={HUGE}",
    "per_page=²",
    f"per_page={HUGE}",
    "trl=²",
    f"trl={HUGE}",
]


@pytest.mark.parametrize("query", REPORTED, ids=lambda q: q[:12])
@pytest.mark.parametrize("path", ["/outcomes/", "/demands/"])
def test_catalogue_answers_reported_integer_inputs_with_the_unfiltered_page(
    client, listings, path, query
):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 200
    kind = "outcome" if path == "/outcomes/" else "demand"
    assert TITLE.findall(response.content.decode()) == [listings[kind].title]


def test_search_api_answers_reported_integer_inputs_without_error(client, indexed):
    for query in REPORTED:
        response = client.get(f"/api/search/?{query}")

        assert response.status_code == 200, query
        data = response.json()
        assert data["total"] == 2 and data["filters"]["trl"] is None
        huge_per_page = query == f"per_page={HUGE}"
        assert data["per_page"] == (MAX_PER_PAGE if huge_per_page else 20)
        if query == f"page={HUGE}":
            # Beyond any page: the last page there can be, empty, and said so.
            assert (data["page"], data["results"]) == (MAX_PAGE, [])
            assert data["messages"]
        else:
            assert data["page"] == 1 and len(data["results"]) == 2


def test_search_page_answers_reported_integer_inputs_without_error(client, indexed):
    for query in REPORTED:
        response = client.get(f"/search/?{query}")

        assert response.status_code == 200, query
        search = response.context["search"]
        assert search["total"] == 2 and search["filters"]["trl"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3),
        (" 3 ", 3),
        ("0003", 3),
        (7, 7),
        ("²", None),
        ("٣", None),
        ("𝟗", None),
        ("-3", None),
        ("+3", None),
        ("3.0", None),
        ("1e3", None),
        ("", None),
        ("0", None),
        ("10", None),
        (HUGE, None),
        ("0" * 5000 + "4", 4),
        (None, None),
        (True, None),
        (["3"], None),
    ],
)
def test_parse_int_accepts_only_ascii_digits_in_range(value, expected):
    assert parse_int(value, minimum=1, maximum=9, default=None) == expected


def test_parse_int_clamps_to_the_maximum_only_when_asked():
    assert parse_int(HUGE, minimum=1, maximum=50, default=20, clamp=True) == 50
    assert parse_int("51", minimum=1, maximum=50, default=20, clamp=True) == 50
    assert parse_int("51", minimum=1, maximum=50, default=20) == 20
    assert parse_int("0", minimum=1, maximum=50, default=20, clamp=True) == 20


# -- Fuzzing every public GET that reads query parameters -----------------------------

# The parameters the public views read, and a few they do not.
PARAMETER_NAMES = [
    "page",
    "per_page",
    "trl",
    "q",
    "sort",
    "kind",
    "field",
    "region",
    "stage",
    "mode",
    "price",
    "org",
    "verbatim",
    "p",  # sitemap pages
    "next",
    "language",
    "id",
    "format",
    "status",
    "missing",
    "bounty",
    "campaign",
]

NASTY_VALUES = [
    "²",
    "٣",
    "١٢",
    "𝟗",
    "Ⅻ",
    "٠٤",
    "٣٢٠٥٠٠",
    "-1",
    "0",
    "00",
    "+1",
    "1.5",
    "1e3",
    "0x10",
    "1_000",
    "NaN",
    "inf",
    "",
    " ",
    "\x00",
    "1\x00",
    "\u200b1",
    "1\n",
    HUGE,
    "9" * 30,
    "-" + "9" * 30,
    "a" * 5000,
    "锂" * 300,
    "%",
    "%00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "//evil.example/",
    "zh-hans",
    "04",
    "0401",
    "320000",
    "outcome",
    "price",
    "relevance",
]

# What a query string may hold besides well-encoded pairs: broken escapes and separators.
RAW_FRAGMENTS = ["%zz", "%ff%fe", "page", "=1", "&&", "page=1;trl=2", "%E6%88", "+"]

text_values = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
digit_like = st.text(
    alphabet=st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=6
)
values = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.from_regex(r"[0-9]{1,7}", fullmatch=True),
    digit_like,
    text_values,
)
names = st.one_of(
    st.sampled_from(PARAMETER_NAMES),
    st.sampled_from(PARAMETER_NAMES).map(lambda n: n.upper()),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_[]", min_size=1, max_size=12),
)
encoded_pairs = st.lists(st.tuples(names, values), max_size=5).map(
    lambda pairs: urlencode(pairs, quote_via=quote)
)
raw_pairs = st.lists(
    st.one_of(
        st.sampled_from(RAW_FRAGMENTS),
        st.tuples(st.sampled_from(PARAMETER_NAMES), values).map(
            lambda pair: f"{pair[0]}={pair[1]}".replace("#", "%23")
        ),
    ),
    max_size=4,
).map("&".join)
queries = st.one_of(encoded_pairs, encoded_pairs, raw_pairs)


def public_paths(market) -> list[str]:
    """Every anonymous GET address whose view reads query parameters (and the rest
    of the public pages, which must ignore them)."""
    news = NewsIndexPage.objects.get()
    challenge = Challenge.objects.get()
    return [
        "/",
        "/outcomes/",
        "/demands/",
        f"/outcomes/{market['outcome'].pk}/",
        f"/demands/{market['demand'].pk}/",
        "/search/",
        "/api/search/",
        "/api/search/suggest/",
        "/feeds/latest.atom",
        "/feeds/outcomes.atom",
        "/feeds/demands.atom",
        "/sitemap.xml",
        news.url,
        EventIndexPage.objects.get().url,
        news.get_children().get().url,
        "/i18n/setlang/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/verify/not-a-token/",
        "/accounts/notifications/",  # logged-out: a redirect to log in
        "/workbench/",
        "/challenges/",
        f"/challenges/{challenge.pk}/",
        f"/challenges/campaigns/{challenge.campaign_id}/",
        "/challenges/honours/",
        "/feeds/challenges.atom",
        # The REST API (docs/api.md): malformed parameters are 400s, never 5xx.
        "/api/v1/outcomes/",
        "/api/v1/demands/",
        f"/api/v1/outcomes/{market['outcome'].pk}/",
        f"/api/v1/demands/{market['demand'].pk}/",
        "/api/v1/challenges/",
        f"/api/v1/challenges/{challenge.pk}/",
        "/api/v1/search/",
        "/api/v1/statistics/",
        "/api/v1/statistics/listings_by_month/",
        "/api/v1/statistics/funnel/",  # a managers' figure: 401 to visitors
        "/api/schema/",
    ]


@pytest.fixture
def api_unthrottled(settings):
    """The API's per-address limit would otherwise answer most requests with 429."""
    settings.THROTTLE_API_ANON = (100_000, 60)


def test_public_gets_never_answer_5xx_to_generated_parameters(
    client, market, api_unthrottled
):
    paths = public_paths(market)
    seen: set[str] = set()

    @settings(
        max_examples=3000,  # "a few thousand generated requests" (issue 8)
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(path=st.sampled_from(paths), query=queries)
    def check(path: str, query: str) -> None:
        response = client.get(f"{path}?{query}")
        seen.add(path)
        assert response.status_code < 500, (path, query, response.status_code)

    check()
    assert seen == set(paths)
