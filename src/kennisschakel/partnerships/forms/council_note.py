"""The council note's form (raadsinformatiebrief): on whose behalf, which period, which rate."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.formwidgets import DateInput


def default_note_period(partnership, today=None) -> tuple[datetime.date, datetime.date]:
    """The period a council note starts with: the last full calendar year, because a
    council looks back per year (annual accounts and report); when the partnership has
    no dated exchange in that year, its whole dated period instead, so the note opens on
    the exchanges there are rather than on an empty year of zeros; with no dated
    exchange at all, the years the partnership ran (when it ended before last year)."""
    from django.db.models import Max, Min, Q

    today = today or datetime.date.today()
    last_year = today.year - 1
    start, end = datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31)
    # An exchange is dated by its start date or, when only that is known, its year
    # (the balances count it on 1 January of that year).
    activities = partnership.activities
    in_last_year = Q(start_date__range=(start, end)) | Q(start_date__isnull=True, year=last_year)
    if activities.filter(in_last_year).exists():
        return start, end
    span = activities.aggregate(
        first=Min("start_date"),
        last=Max("start_date"),
        ends=Max("end_date"),
        first_year=Min("year", filter=Q(start_date__isnull=True)),
        last_year=Max("year", filter=Q(start_date__isnull=True)),
    )
    firsts = [y for y in (span["first"] and span["first"].year, span["first_year"]) if y]
    lasts = [
        y
        for y in (
            span["last"] and span["last"].year,
            span["ends"] and span["ends"].year,
            span["last_year"],
        )
        if y
    ]
    if not firsts:
        # No exchange with a date or year: the years the partnership itself ran, when
        # known, rather than an empty last year.
        if partnership.start_year and (partnership.end_year or 0) < last_year:
            until = partnership.end_year or partnership.start_year
            return datetime.date(partnership.start_year, 1, 1), datetime.date(until, 12, 31)
        return start, end
    return datetime.date(min(firsts), 1, 1), datetime.date(max(lasts), 12, 31)


class CouncilNoteForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=None, empty_label=None)
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("Until"), widget=DateInput())
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate (euro)"),
        min_value=0,
        max_value=1000,
        decimal_places=2,
        initial=75,
        help_text=_("The cost of one hour of your staff, to value the hours spent."),
    )

    def __init__(self, *args, partnership=None, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kennisschakel.register.models import Organisation

        parties = (activity.sides if activity is not None else partnership.partners).values(
            "organisation_id"
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            type="municipality", pk__in=parties
        )
        if activity is not None:
            from kennisschakel.partnerships.councilnote import note_motives

            # One activity: its own dates are the period.
            del self.fields["start"], self.fields["end"]
            self.motives = note_motives(activity)
        else:
            self.motives = list(partnership.motives.all())
            if not self.is_bound and "start" not in self.initial:
                self.initial["start"], self.initial["end"] = default_note_period(partnership)
        for motive in self.motives:
            self.fields[f"return_{motive.slug}"] = forms.CharField(
                label=_("Expected return: %(motive)s") % {"motive": motive},
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date lies before the start date."))
        return cleaned

    def expected_returns(self) -> dict[str, str]:
        return {m.slug: self.cleaned_data.get(f"return_{m.slug}", "") for m in self.motives}
