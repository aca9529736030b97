"""A referred request's ``referral``, as the requests' API carries it (its own module, so that
``requests_app.api`` reads it without importing the rest of the exchange's API)."""

from rest_framework import serializers

from bali_portal.serializers import BlankAsNullChoiceField, ChoiceLabelField

from ..models import Referral, ReferralOutcome


class ReferralSerializer(serializers.ModelSerializer):
    """``referral`` of a referred request (``docs/design.md``, second round)."""

    organization = serializers.IntegerField(source="organization_id", read_only=True)
    organization_name = serializers.CharField(source="organization.label", read_only=True)
    status_label = ChoiceLabelField(Referral._meta.get_field("status").choices, source="status")
    outcome = BlankAsNullChoiceField(choices=ReferralOutcome.choices)

    class Meta:
        model = Referral
        fields = [
            "organization", "organization_name", "status", "status_label", "outcome",
            "outcome_note", "answer_note", "sent_at", "answered_at", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields
