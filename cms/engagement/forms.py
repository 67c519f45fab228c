"""Forms of the engagement pages; the services re-check everything they rely on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from market.models import INTEREST_QUESTIONS, CloseReason, DeclineReason, InterestKind
from market.services.conversations import (
    MESSAGE_MAX_LENGTH as CONVERSATION_MESSAGE_MAX_LENGTH,
)
from market.services.engagement import ANSWER_MAX_LENGTH, MESSAGE_MAX_LENGTH

# Article 501 of the Civil Code: information learnt while negotiating a contract must
# not be disclosed or used improperly, whether or not the contract is concluded.
CONFIDENTIALITY_NOTE = _(
    "The protected details are confidential. By asking for them you undertake not to "
    "disclose them to anyone and not to use them for any purpose other than "
    "evaluating a cooperation with the owner. This is the confidentiality duty that "
    "Article 501 of the Civil Code of the People's Republic of China places on anyone "
    "who learns business secrets or other confidential information while negotiating "
    "a contract, whether or not a contract is eventually signed; if you break it and "
    "the owner suffers a loss, you are liable for compensation. The owner sees that "
    "you accepted this note, and every time you open the details is recorded."
)


class AccessRequestForm(forms.Form):
    """Ask for a listing's protected details, accepting the confidentiality note."""

    accept_note = forms.BooleanField(
        label=_("I have read the confidentiality note and accept it."),
        required=True,
        # The template shows the note in the element with this id.
        widget=forms.CheckboxInput(attrs={"aria-describedby": "confidentiality-note"}),
        error_messages={
            "required": _("Accept the confidentiality note to send the request.")
        },
    )
    message = forms.CharField(
        label=_("Message to the owner"),
        help_text=_("Who you are and why you need the details."),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InterestRequestForm(forms.Form):
    """The fixed questions of an interest or information request, then free text."""

    kind = forms.ChoiceField(
        label=_("What do you want?"),
        choices=InterestKind.choices,
        widget=forms.RadioSelect,
        initial=InterestKind.INTEREST,
    )
    message = forms.CharField(
        label=_("Anything else"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = {
            key: forms.CharField(
                label=str(label),
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            for key, label in INTEREST_QUESTIONS
        }
        # The questions come before the free text.
        message = self.fields.pop("message")
        self.fields.update(questions)
        self.fields["message"] = message

    def question_fields(self) -> list[forms.BoundField]:
        return [self[key] for key, _label in INTEREST_QUESTIONS]

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in self.answers_keys()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = [data.get(key) for key in self.answers_keys()] + [data.get("message")]
        if not any(str(text or "").strip() for text in texts):
            raise forms.ValidationError(
                _("Answer at least one question or write a message."), code="empty"
            )
        return data

    @staticmethod
    def answers_keys() -> list[str]:
        return [key for key, _label in INTEREST_QUESTIONS]


class AnswerForm(forms.Form):
    """The owner's answer to an interest request."""

    reply = forms.CharField(
        label=_("Your answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DeclineForm(forms.Form):
    """Declining an interest request with a reason the sender sees."""

    reason_code = forms.ChoiceField(
        label=_("Reason"), choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note to the sender"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(forms.Form):
    """A message in a conversation."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=CONVERSATION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CloseForm(forms.Form):
    """Closing a conversation with a reason code."""

    reason = forms.ChoiceField(
        label=_("Reason"), choices=CloseReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("Required when the reason is “Other”."),
        max_length=CONVERSATION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("reason") == CloseReason.OTHER
            and not str(data.get("note") or "").strip()
        ):
            self.add_error("note", _("Say why you close the conversation."))
        return data


class AgentNoteForm(forms.Form):
    """A transfer agent's private note."""

    body = forms.CharField(
        label=_("Private note"),
        help_text=_("Only transfer agents and moderators see it."),
        max_length=CONVERSATION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
