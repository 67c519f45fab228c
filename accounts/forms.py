"""Forms of the accounts pages: sign-up, log-in, resend, profile."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.backends import THROTTLED_ATTRIBUTE
from accounts.models import MembershipRequest, MembershipRole, User
from accounts.roles import SELF_SERVICE_ROLES
from accounts.selectors import user_for_login
from accounts.services.registration import normalise_credit_code, normalise_email
from config import throttle
from market.models import Organisation, OrganisationKind
from market.validators import validate_uscc

# Usernames are the email address, so an address must fit the username column.
EMAIL_MAX_LENGTH = User._meta.get_field("username").max_length


def _password_help_text() -> str:
    return " ".join(password_validation.password_validators_help_texts())


class SignupForm(forms.Form):
    """Create an account: email, name, password twice, role, organisation."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We send a link to this address; you log in with it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=_("Shown to other members, e.g. your name and title."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=lazy(_password_help_text, str)(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    role = forms.ChoiceField(
        label=_("I am a"),
        choices=[(role.value, role.label) for role in SELF_SERVICE_ROLES],
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Ask to join an organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("— none, or a new one below —"),
        help_text=_(
            "Pick it if it is already listed. Its administrators (or a moderator) "
            "decide after you have verified your email address; until then you act "
            "for no organisation."
        ),
    )
    new_organisation_name = forms.CharField(
        label=_("Or the name of a new organisation"),
        max_length=Organisation._meta.get_field("name").max_length,
        required=False,
        help_text=_("A moderator checks new organisations before they are verified."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    new_organisation_kind = forms.ChoiceField(
        label=_("Kind of the new organisation"),
        choices=[("", _("— choose —")), *OrganisationKind.choices],
        required=False,
    )
    new_organisation_credit_code = forms.CharField(
        label=_("Unified social credit code of the new organisation"),
        max_length=30,
        required=False,
        help_text=_(
            "18 characters, as printed on the business licence or registration "
            "certificate. You become the organisation's administrator once a "
            "moderator has checked it."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters"}),
    )
    membership_message = forms.CharField(
        label=_("Note for whoever decides"),
        max_length=MembershipRequest._meta.get_field("message").max_length,
        required=False,
        help_text=_("Optional: your department or who can vouch for you."),
    )

    def clean_email(self) -> str:
        # Whether the address has an account is never said here (security issue 8):
        # the service emails its owner instead.
        return normalise_email(self.cleaned_data["email"])

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()

    def clean_new_organisation_name(self) -> str:
        name = self.cleaned_data["new_organisation_name"].strip()
        if name and Organisation.objects.filter(name__iexact=name).exists():
            raise ValidationError(
                _("This organisation is already listed; choose it above."),
                code="organisation_exists",
            )
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2",
                ValidationError(
                    _("The two passwords do not match."), code="password_mismatch"
                ),
            )
        if password1:
            candidate = User(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                display_name=cleaned.get("display_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)

        new_name = cleaned.get("new_organisation_name")
        if cleaned.get("organisation") and new_name:
            self.add_error(
                "new_organisation_name",
                _("Choose a listed organisation or name a new one, not both."),
            )
        elif new_name:
            if not cleaned.get("new_organisation_kind"):
                self.add_error(
                    "new_organisation_kind",
                    _("Choose what kind of organisation it is."),
                )
            if "new_organisation_credit_code" in cleaned:
                self._clean_credit_code(cleaned["new_organisation_credit_code"])
        return cleaned

    def _clean_credit_code(self, raw: str) -> None:
        code = normalise_credit_code(raw)
        self.cleaned_data["new_organisation_credit_code"] = code
        if not code:
            self.add_error(
                "new_organisation_credit_code",
                ValidationError(
                    _("Enter the new organisation's unified social credit code."),
                    code="required",
                ),
            )
            return
        try:
            validate_uscc(code)
        except ValidationError as error:
            self.add_error("new_organisation_credit_code", error)
            return
        if Organisation.objects.filter(credit_code=code).exists():
            self.add_error(
                "new_organisation_credit_code",
                ValidationError(
                    _(
                        "An organisation with this credit code is already listed; "
                        "choose it above to ask to join."
                    ),
                    code="credit_code_exists",
                ),
            )


class LoginForm(AuthenticationForm):
    """Log in by email or username; say so when only verification is missing."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The email address (or username) and the password do not match."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address or username")
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    @property
    def unverified(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, "unverified")

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, THROTTLED_ATTRIBUTE, False):
            return login_throttled_error()
        # Only someone who knows the password learns that the account exists.
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        user = user_for_login(username)
        if (
            user is not None
            and user.is_active
            and not user.email_verified
            and not user.is_superuser
            and user.check_password(password)
        ):
            return ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "Your email address is not verified yet. Open the link we "
                        "emailed you, or ask for a new one."
                    ),
                    reverse("accounts:resend_verification"),
                    _("Send the link again"),
                ),
                code="unverified",
            )
        return super().get_invalid_login_error()


def login_throttled_error() -> ValidationError:
    """The error of a log-in refused after too many failed attempts."""
    return ValidationError(
        format_html(
            '{} <a href="{}">{}</a>',
            _(
                "Too many failed log-in attempts for this account or from your "
                "network. Log-in is paused: try again in %(wait)s, or reset your "
                "password."
            )
            % {"wait": throttle.wait_text(throttle.LOGIN_ACCOUNT)},
            reverse("accounts:password_reset"),
            _("Reset your password"),
        ),
        code="throttled",
    )


class AdminLoginForm(WagtailLoginForm):
    """The Wagtail admin's log-in form, saying so when the rate limit refused it."""

    def get_invalid_login_error(self) -> ValidationError:
        if getattr(self.request, THROTTLED_ATTRIBUTE, False):
            return login_throttled_error()
        return super().get_invalid_login_error()


class ResendVerificationForm(forms.Form):
    """Ask for a new verification link."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{4,28}$")


class ProfileForm(forms.Form):
    """The parts of the profile a user edits themself."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=User._meta.get_field("phone").max_length,
        required=False,
        help_text=_("Optional; only moderators and agents working with you see it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    email_conversation_messages = forms.BooleanField(
        label=_("Email me every message of my conversations"),
        required=False,
        help_text=_(
            "Off: the messages still reach your notifications on the site, not your "
            "mailbox."
        ),
    )

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Please enter a display name."), code="required")
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE_RE.match(phone):
            raise ValidationError(
                _("Enter a phone number with digits, spaces, brackets or dashes."),
                code="invalid_phone",
            )
        return phone


class JoinOrganisationForm(forms.Form):
    """Ask to join a listed organisation."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("— choose —"),
    )
    message = forms.CharField(
        label=_("Note for whoever decides"),
        max_length=MembershipRequest._meta.get_field("message").max_length,
        required=False,
        help_text=_("Optional: your department or who can vouch for you."),
    )


class MembershipDecisionForm(forms.Form):
    """An organisation administrator approves (as member or admin) or declines."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    role = forms.ChoiceField(
        label=_("as"),
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason (shown to the requester)"),
        max_length=MembershipRequest._meta.get_field("reason").max_length,
        required=False,
    )


class MemberRoleForm(forms.Form):
    """Make a member administrator, or an administrator a member."""

    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class MembershipReasonForm(forms.Form):
    """Why a request is declined or a membership ended; the person concerned reads it."""

    reason = forms.CharField(
        label=_("Reason (shown to the person concerned)"),
        max_length=MembershipRequest._meta.get_field("reason").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NotificationPreferencesForm(forms.Form):
    """One site switch and one email choice per kind of notification a user can change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from accounts.models import EmailChannel
        from accounts.notification_kinds import grouped

        super().__init__(*args, **kwargs)
        self.groups: list[tuple[Any, list[tuple[Any, Any, Any]]]] = []
        for group, kinds in grouped():
            rows = []
            for kind in kinds:
                if kind.fixed:
                    rows.append((kind, None, None))
                    continue
                site = self.fields[f"{kind.key}__site"] = forms.BooleanField(
                    label=_("In the site"), required=False
                )
                mail = self.fields[f"{kind.key}__email"] = forms.ChoiceField(
                    label=_("Email"), choices=EmailChannel.choices
                )
                rows.append((kind, site, mail))
            self.groups.append((group, rows))

    def bound_groups(self) -> list[tuple[Any, list[tuple[Any, Any, Any]]]]:
        """The groups with each kind's bound fields (None for a fixed kind)."""
        return [
            (
                group,
                [
                    (
                        kind,
                        self[f"{kind.key}__site"] if site else None,
                        self[f"{kind.key}__email"] if mail else None,
                    )
                    for kind, site, mail in rows
                ],
            )
            for group, rows in self.groups
        ]

    def choices(self) -> dict[str, tuple[bool, str]]:
        """The cleaned choices: kind → (in the site?, email channel)."""
        return {
            name.removesuffix("__email"): (
                bool(self.cleaned_data[name.removesuffix("__email") + "__site"]),
                self.cleaned_data[name],
            )
            for name in self.fields
            if name.endswith("__email")
        }

    @staticmethod
    def initial_from(current: dict[str, tuple[bool, str]]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for key, (in_site, channel) in current.items():
            initial[f"{key}__site"] = in_site
            initial[f"{key}__email"] = channel
        return initial
