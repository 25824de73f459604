"""The register of affiliate partners: who pays us for links, to which domains, and when.

A partner's links are marked as paid on every page while the partner is
active (see marking.py); past partners stay listed on the disclosure page.
"""

from django.core.exceptions import ValidationError
from django.db import models

from mesoguide.characters import validate_one_line, validate_storable

from .domains import normalize_domain, split_domains


class PartnerState(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    ACTIVE = "active", "Active"
    PAST = "past", "Past"


def _periods_overlap(first, second):
    """True if two partners' active periods share at least one day (open ends run forever)."""
    return (second.active_until is None or first.active_from <= second.active_until) and (
        first.active_until is None or second.active_from <= first.active_until
    )


class AffiliatePartner(models.Model):
    name = models.CharField(
        max_length=120,
        help_text="As readers know the partner.",
        validators=[validate_storable, validate_one_line],
    )
    slug = models.SlugField(
        unique=True, max_length=120, help_text="Anchor of its entry on the disclosure page."
    )
    domains = models.TextField(
        validators=[validate_storable],
        help_text=(
            "One per line or separated by commas, e.g. partner.com. Links to these domains "
            "and all their subdomains are marked as paid; a leading www. is ignored."
        ),
    )
    disclosure = models.CharField(
        max_length=300,
        validators=[validate_storable, validate_one_line],
        help_text=(
            "One short sentence for readers, shown before the first paid link and on the "
            "disclosure page, e.g. “We may earn a commission if you buy something on this "
            "partner’s website.” Never a clinic: no paid link may earn us money when a "
            "reader books a treatment (see the editors’ guide, Partners)."
        ),
    )
    active_from = models.DateField(help_text="First day its links are marked as paid.")
    active_until = models.DateField(
        null=True,
        blank=True,
        help_text=(
            "Last day of the partnership; empty while it runs. To end a partnership set this "
            "date: the partner then stays listed as a past partner."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def domain_names(self):
        """The normalized domains this partner's links are recognised by."""
        names = []
        for entry in split_domains(self.domains):
            try:
                names.append(normalize_domain(entry))
            except ValueError:
                continue  # clean() refuses these; a bad entry matches nothing
        return list(dict.fromkeys(names))

    def state_on(self, day):
        """Upcoming, active or past on `day`: the one rule for when links count as paid."""
        if day < self.active_from:
            return PartnerState.UPCOMING
        if self.active_until is not None and day > self.active_until:
            return PartnerState.PAST
        return PartnerState.ACTIVE

    def clean(self):
        errors = {}
        domains, domain_errors = [], []
        for entry in split_domains(self.domains):
            try:
                domains.append(normalize_domain(entry))
            except ValueError as error:
                domain_errors.append(str(error))
        if domain_errors:
            errors["domains"] = domain_errors
        elif not domains:
            errors["domains"] = "Enter at least one domain, e.g. partner.com."
        else:
            self.domains = "\n".join(dict.fromkeys(domains))
        if self.active_from and self.active_until and self.active_until < self.active_from:
            errors["active_until"] = "The last day cannot be before the first day."
        if not errors and self.active_from:
            clash = self._domain_claimed_by_overlapping_partner()
            if clash:
                other, domain = clash
                errors["domains"] = (
                    f"{domain} already belongs to {other.name} for part of this period; "
                    "end that partnership first or choose other dates."
                )
        if errors:
            raise ValidationError(errors)

    def _domain_claimed_by_overlapping_partner(self):
        mine = set(self.domain_names())
        for other in AffiliatePartner.objects.exclude(pk=self.pk):
            shared = mine.intersection(other.domain_names())
            if shared and _periods_overlap(self, other):
                return other, sorted(shared)[0]
        return None
