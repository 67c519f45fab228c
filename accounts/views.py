"""Views of the accounts pages: parse the request, call a service, render."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.backends import login_key
from accounts.emails import site_url
from accounts.forms import (
    LoginForm,
    ProfileForm,
    ResendVerificationForm,
    SignupForm,
)
from accounts.models import User
from accounts.roles import SELF_SERVICE_ROLES
from accounts.selectors import profile_for
from accounts.services.profile import update_profile
from accounts.services.registration import (
    CreditCodeTaken,
    OrganisationNameTaken,
    mark_email_verified,
    resend_verification,
    sign_up,
    verify_email,
)
from accounts.tokens import VerificationTokenError
from config import throttle

AUTH_BACKEND = "accounts.backends.EmailOrUsernameBackend"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account; the verification email goes out once it is saved."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and (
        refusal := throttle.account_mail_refusal(request, form.cleaned_data["email"])
    ):
        form.add_error(None, refusal)
        return render(
            request,
            "accounts/signup.html",
            {"form": form},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    if form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        try:
            # A taken address answers exactly like a new one: its owner is emailed.
            sign_up(
                email=data["email"],
                display_name=data["display_name"],
                password=data["password1"],
                role=data["role"],
                organisation_id=organisation.pk if organisation else None,
                new_organisation_name=data["new_organisation_name"] or None,
                new_organisation_kind=data["new_organisation_kind"] or None,
                new_organisation_credit_code=(
                    data["new_organisation_credit_code"] or None
                ),
                membership_message=data["membership_message"],
            )
        except OrganisationNameTaken:
            form.add_error(
                "new_organisation_name",
                _("This organisation is already listed; choose it above."),
            )
        except CreditCodeTaken:
            form.add_error(
                "new_organisation_credit_code",
                _(
                    "An organisation with this credit code is already listed; "
                    "choose it above to ask to join."
                ),
            )
        except ValidationError as error:  # the service's own checks
            field = (
                "new_organisation_credit_code"
                if error.code in ("uscc_format", "uscc_checksum")
                else "password1"
            )
            form.add_error(field, error)
        else:
            return redirect("accounts:verification_sent")
    return render(request, "accounts/signup.html", {"form": form})


@require_GET
def verification_sent(request: HttpRequest) -> HttpResponse:
    """Tell the new user to look in their inbox."""
    return render(request, "accounts/verification_sent.html")


@never_cache
@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Verify the address in the emailed link, log the user in, go to the profile."""
    try:
        user = verify_email(token)
    except VerificationTokenError as error:
        return render(
            request,
            "accounts/verify_failed.html",
            {"reason": error.reason},
            status=400,
        )
    login(request, user, backend=AUTH_BACKEND)
    messages.success(request, _("Thank you: your email address is verified."))
    return redirect("accounts:profile")


@require_http_methods(["GET", "POST"])
def resend_verification_view(request: HttpRequest) -> HttpResponse:
    """Send a new verification link without revealing who has an account."""
    form = ResendVerificationForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and (
        refusal := throttle.account_mail_refusal(request, form.cleaned_data["email"])
    ):
        form.add_error(None, refusal)
        return render(
            request,
            "accounts/resend_verification.html",
            {"form": form},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    if form.is_valid():
        resend_verification(form.cleaned_data["email"])
        messages.info(
            request,
            _(
                "If an account with this address is waiting for verification, "
                "a new link is on its way."
            ),
        )
        return redirect("accounts:verification_sent")
    return render(request, "accounts/resend_verification.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's profile, with a form for name and phone."""
    user = cast(User, request.user)  # login_required: never anonymous here
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            update_profile(user.pk, **form.cleaned_data)
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "phone": user.phone,
                "email_conversation_messages": user.email_conversation_messages,
            }
        )
    return render(
        request, "accounts/profile.html", {"profile": profile_for(user), "form": form}
    )


class LoginView(auth_views.LoginView):
    """Log in by email or username."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # Publishers come to post and follow their listings: their workbench.
        user = self.request.user
        if any(user.has_role(role) for role in SELF_SERVICE_ROLES):  # type: ignore[union-attr]
            return reverse("workbench:home")
        return super().get_default_redirect_url()

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Email a password reset link; the page never says whether the address exists."""

    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Counted whether or not the address has an account: the answer is the same.
        refusal = throttle.account_mail_refusal(
            self.request, form.cleaned_data["email"]
        )
        if refusal:
            form.add_error(None, refusal)
            return self.render_to_response(
                self.get_context_data(form=form),
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        return super().form_valid(form)

    @property
    def extra_email_context(self) -> dict[str, Any]:  # type: ignore[override]
        # Links point at BASE_URL, never at whatever Host header came in (only the
        # embedded default follows the request's validated host: accounts.emails).
        return {
            "base_url": site_url(),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # The link reached the user's inbox, which is what verification proves.
        mark_email_verified(form.user.pk)
        # The owner chose a new password: failed guesses at the old one lock no more.
        throttle.clear(throttle.LOGIN_ACCOUNT, login_key("", form.user))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password of the signed-in user."""

    success_url = reverse_lazy("accounts:password_change_done")
