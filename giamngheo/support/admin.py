from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from giamngheo.support.models import (
    Campaign,
    Contribution,
    Disbursement,
    Donor,
    Fund,
    LedgerEntry,
    ModelFunding,
    ModelParticipant,
    Pledge,
    ReductionModel,
    Sponsorship,
    SupportRecord,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Money moves only through the services, which keep the ledger and the balance check."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "managing_organisation"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "managing_organisation"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["fund", "occurred_on", "entry_type", "amount", "memo"]
    list_filter = ["entry_type", "fund"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["donor", "fund", "kind", "amount", "received_on", "acknowledge"]
    list_filter = ["kind", "fund"]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["purpose", "fund", "amount", "disbursed_on"]
    list_filter = ["fund"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "fund", "starts_on", "ends_on", "target_amount"]


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    raw_id_fields = ["organisation"]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["donor", "fund", "amount", "pledged_on"]
    raw_id_fields = ["donor", "campaign"]


@admin.register(Sponsorship)
class SponsorshipAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "starts_on", "ends_on"]
    raw_id_fields = ["household", "sponsor_organisation"]


@admin.register(SupportRecord)
class SupportRecordAdmin(SimpleHistoryAdmin):
    list_display = ["household", "kind", "value", "given_on", "source"]
    list_filter = ["kind", "source"]
    raw_id_fields = ["household", "ledger_entry", "activity", "provider", "recorded_by"]


class FundingInline(admin.TabularInline):
    model = ModelFunding
    extra = 0


class ParticipantInline(admin.TabularInline):
    model = ModelParticipant
    extra = 0
    raw_id_fields = ["household"]


@admin.register(ReductionModel)
class ReductionModelAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "starts_on", "ends_on"]
    raw_id_fields = ["unit", "lead_organisation", "activity"]
    inlines = [FundingInline, ParticipantInline]
