import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone

from .models import Subscriber

CSV_COLUMNS = [
    "email",
    "state",
    "created_at",
    "confirmation_sent_at",
    "confirmed_at",
    "unsubscribed_at",
]


def _csv_cell(value):
    # A cell starting with = + - @ is a formula to spreadsheet programs; quote it as text.
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "state", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["state", "created_at", "confirmed_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = CSV_COLUMNS
    actions = ["export_csv"]

    # Consent comes only from the double opt-in, never from an editor typing an address.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Export selected subscribers as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for subscriber in queryset.order_by("created_at"):
            writer.writerow([_csv_cell(getattr(subscriber, column)) for column in CSV_COLUMNS])
        return response
