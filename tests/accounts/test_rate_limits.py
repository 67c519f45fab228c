"""Rate limits of log-in, password reset, sign-up and "send the link again" (on Redis)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_signup import signup_data
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("wagtailadmin_login")
RESET = reverse("accounts:password_reset")
RESEND = reverse("accounts:resend_verification")
SIGNUP = reverse("accounts:signup")
THROTTLED = "Too many failed log-in attempts"
MAIL_THROTTLED = "Too many requests for this email address or from your network."


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English source strings."""
    settings.LANGUAGE_CODE = "en"


def text(response) -> str:
    return response.content.decode()


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_after_40_wrong_passwords_refuses_the_right_one(client):
    UserFactory(email="zhao.lei@example.cn")
    answers = [
        client.post(LOGIN, {"username": "zhao.lei@example.cn", "password": f"x{n}"})
        for n in range(40)
    ]

    response = client.post(
        LOGIN, {"username": "zhao.lei@example.cn", "password": PASSWORD}
    )

    # The first ten are told the password is wrong, then the account is paused.
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert all(
        a.context["form"].has_error("__all__", "invalid_login") for a in answers[:10]
    )
    assert {a.status_code for a in answers[10:]} == {429}
    assert response.status_code == 429
    assert THROTTLED in text(response)
    assert reverse("accounts:password_reset") in text(response)
    assert not logged_in(client)


def test_login_limit_counts_email_and_username_of_one_account_together(
    client, settings
):
    settings.THROTTLE_LOGIN_ACCOUNT = (4, 900)
    UserFactory(username="zhaolei", email="zhao.lei@example.cn")
    for name in ("zhaolei", "ZHAO.LEI@example.cn", "ZhaoLei", "zhao.lei@example.cn"):
        client.post(LOGIN, {"username": name, "password": "wrong"})

    response = client.post(LOGIN, {"username": "zhaolei", "password": PASSWORD})

    assert response.status_code == 429
    assert not logged_in(client)


def test_login_limit_per_address_covers_many_accounts(client, settings):
    settings.THROTTLE_LOGIN_IP = (5, 900)
    UserFactory(email="real@example.cn")
    for n in range(5):
        client.post(
            LOGIN,
            {"username": f"guess{n}@example.cn", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
        )

    refused = client.post(
        LOGIN,
        {"username": "real@example.cn", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    elsewhere = client.post(
        LOGIN,
        {"username": "real@example.cn", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )

    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert logged_in(client)


def test_login_forged_forwarded_for_does_not_escape_the_address_limit(client, settings):
    settings.THROTTLE_LOGIN_IP = (3, 900)
    UserFactory(email="real@example.cn")
    for n in range(3):
        client.post(
            LOGIN,
            {"username": f"guess{n}@example.cn", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )

    response = client.post(
        LOGIN,
        {"username": "real@example.cn", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.99",
    )

    assert response.status_code == 429


def test_login_success_ends_the_run_of_failures(client):
    UserFactory(email="zhao.lei@example.cn")

    for _round in range(2):
        for n in range(9):
            client.post(LOGIN, {"username": "zhao.lei@example.cn", "password": f"x{n}"})
        response = client.post(
            LOGIN, {"username": "zhao.lei@example.cn", "password": PASSWORD}
        )
        assert response.status_code == 302
        client.post(reverse("accounts:logout"))


def test_wagtail_admin_login_is_limited_with_a_clear_message(client):
    User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    for n in range(40):
        client.post(ADMIN_LOGIN, {"username": "root", "password": f"x{n}"})

    response = client.post(ADMIN_LOGIN, {"username": "root", "password": PASSWORD})

    assert THROTTLED in text(response)
    assert not logged_in(client)
    # The portal's form shares the counter: the account is paused there too.
    assert (
        client.post(LOGIN, {"username": "root", "password": PASSWORD}).status_code
        == 429
    )


def test_wagtail_admin_password_reset_is_off(client):
    # It would be a second, unlimited way to send reset emails.
    assert client.get("/admin/password_reset/").status_code == 404


def _main(response) -> str:
    """The page's visible text without the per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(response))


def test_password_reset_per_address_answers_the_same_for_unknown_addresses(
    client, mailoutbox, settings
):
    settings.THROTTLE_ACCOUNT_MAIL_ADDRESS = (3, 3600)
    UserFactory(email="sun.li@example.cn")
    answers = {}
    for address in ("Sun.Li@example.cn", "nobody@example.cn"):
        sent = [client.post(RESET, {"email": address}) for _ in range(3)]
        assert [r.status_code for r in sent] == [302] * 3
        answers[address] = client.post(RESET, {"email": address})

    known, unknown = answers.values()
    assert known.status_code == unknown.status_code == 429
    assert MAIL_THROTTLED in text(known)
    assert _main(known).replace("Sun.Li", "X") == _main(unknown).replace("nobody", "X")
    assert len(mailoutbox) == 3  # the known address got three links, not four


def test_password_reset_per_client_address(client, mailoutbox, settings):
    settings.THROTTLE_ACCOUNT_MAIL_IP = (2, 3600)
    for n in range(2):
        UserFactory(email=f"user-{n}@example.cn")
        assert client.post(RESET, {"email": f"user-{n}@example.cn"}).status_code == 302
    UserFactory(email="third@example.cn")

    response = client.post(RESET, {"email": "third@example.cn"})

    assert response.status_code == 429
    assert MAIL_THROTTLED in text(response)
    assert len(mailoutbox) == 2


def test_signup_per_client_address_keeps_what_was_typed(
    client, settings, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    settings.THROTTLE_ACCOUNT_MAIL_IP = (2, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            client.post(SIGNUP, signup_data(email=f"member{n}@example.cn"))
        response = client.post(
            SIGNUP, signup_data(email="third@example.cn", display_name="王五")
        )

    assert response.status_code == 429
    assert MAIL_THROTTLED in text(response)
    assert 'value="third@example.cn"' in text(response)
    assert 'value="王五"' in text(response)
    assert not User.objects.filter(email="third@example.cn").exists()
    assert len(mailoutbox) == 2


def test_resend_verification_per_address_same_for_unknown_addresses(
    client, settings, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    settings.THROTTLE_ACCOUNT_MAIL_ADDRESS = (2, 3600)
    UserFactory(email="new@example.cn", email_verified=False)
    answers = {}
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("new@example.cn", "nobody@example.cn"):
            for _ in range(2):
                assert client.post(RESEND, {"email": address}).status_code == 302
            answers[address] = client.post(RESEND, {"email": address})

    known, unknown = answers.values()
    assert known.status_code == unknown.status_code == 429
    assert MAIL_THROTTLED in text(known)
    assert _main(known).replace("new@", "X@") == _main(unknown).replace("nobody@", "X@")
    assert len(mailoutbox) == 2


def test_password_reset_ends_the_pause_of_a_locked_account(client, mailoutbox):
    UserFactory(email="zhao.lei@example.cn")
    for n in range(10):
        client.post(LOGIN, {"username": "zhao.lei@example.cn", "password": f"x{n}"})
    assert (
        client.post(
            LOGIN, {"username": "zhao.lei@example.cn", "password": PASSWORD}
        ).status_code
        == 429
    )

    client.post(RESET, {"email": "zhao.lei@example.cn"})
    link = re.search(r"https?://\S+/accounts/password/reset/\S+", mailoutbox[0].body)
    form_page = client.get("/" + link.group(0).split("/", 3)[3], follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "brand-new-passphrase-77",
            "new_password2": "brand-new-passphrase-77",
        },
    )

    response = client.post(
        LOGIN,
        {"username": "zhao.lei@example.cn", "password": "brand-new-passphrase-77"},
    )
    assert response.status_code == 302
