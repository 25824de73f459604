from django.contrib import admin
from django.utils import timezone

from .models import AffiliatePartner, PartnerState


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PartnerState.choices

    def queryset(self, request, queryset):
        if self.value() not in PartnerState.values:
            return queryset
        # The register is small; applying the model's own rule keeps one definition of "active".
        today = timezone.localdate()
        wanted = [p.pk for p in queryset if p.state_on(today) == self.value()]
        return queryset.filter(pk__in=wanted)


@admin.register(AffiliatePartner)
class AffiliatePartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "active_from", "active_until", "domain_list", "modified_at"]
    list_filter = [StateFilter, "active_from", "active_until"]
    search_fields = ["name", "slug", "domains", "disclosure"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "modified_at"]
    date_hierarchy = "active_from"
    fieldsets = [
        (None, {"fields": ["name", "slug", "domains", "disclosure"]}),
        (
            "Partnership dates",
            {
                "fields": ["active_from", "active_until"],
                "description": (
                    "Links are marked as paid from the first day to the last day, "
                    "on every page, without editing any article."
                ),
            },
        ),
        ("Record", {"fields": ["created_at", "modified_at"]}),
    ]

    @admin.display(description="state")
    def state(self, partner):
        return partner.state_on(timezone.localdate()).label

    @admin.display(description="domains")
    def domain_list(self, partner):
        return ", ".join(partner.domain_names())
