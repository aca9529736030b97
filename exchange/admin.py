"""The exchange in the admin: the coordinator keeps the countries each regional centre serves
(the scope of its staff); referrals, matches, e-mail and history are read here, written only by
the services."""

from django.contrib import admin

from bali_portal.admin import ReadOnlyAdmin

from . import models


@admin.register(models.RegionalCentre)
class RegionalCentreAdmin(admin.ModelAdmin):
    list_display = ["organization"]
    filter_horizontal = ["countries"]
    raw_id_fields = ["organization"]


@admin.register(models.Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["request", "organization", "status", "outcome", "sent_at", "answered_at"]
    list_filter = ["status", "outcome"]
    list_select_related = ["request", "organization"]


@admin.register(models.Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "provider_country", "provider_organization", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    raw_id_fields = ["provider_country", "provider_organization", "created_by"]


@admin.register(models.Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["full_name", "centre", "is_available"]
    search_fields = ["full_name", "expertise"]
    raw_id_fields = ["centre"]


@admin.register(models.Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["request", "centre", "status", "created_at", "decided_at"]
    list_filter = ["status"]


@admin.register(models.MatchNotice)
class MatchNoticeAdmin(ReadOnlyAdmin):
    list_display = ["direction", "request", "offer", "solution", "score", "created_at"]
    list_filter = ["direction"]


@admin.register(models.Mail)
class MailAdmin(ReadOnlyAdmin):
    list_display = ["kind", "recipient_email", "created_at", "sent_at", "attempts"]
    list_filter = ["kind"]


@admin.register(models.Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["kind", "request", "actor", "created_at"]
    list_filter = ["kind"]
