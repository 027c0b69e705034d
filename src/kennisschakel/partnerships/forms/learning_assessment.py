"""The mutual-learning self-assessment form (``001`` ch. 7): one side, one year."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LearningAssessmentForm(forms.Form):
    """Scores 1–5 with a short justification for each dimension, for one side and year."""

    partner = forms.ModelChoiceField(label=_("Side"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)

    def __init__(self, *args, partnership=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kennisschakel.partnerships.models import LearningDimension
        from kennisschakel.partnerships.rules import may_score_side

        # A self-assessment: only the sides this user may score (rules.may_score_side).
        scorable = [p.pk for p in partnership.partners.all() if may_score_side(user, p)]
        self.fields["partner"].queryset = partnership.partners.filter(pk__in=scorable)
        self.fields["partner"].label_from_instance = lambda p: p.label
        self.dimensions = list(LearningDimension)
        for dimension in self.dimensions:
            self.fields[f"score_{dimension.value}"] = forms.TypedChoiceField(
                label=dimension.label,
                choices=[(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"why_{dimension.value}"] = forms.CharField(
                label=_("Why (%(dimension)s)") % {"dimension": dimension.label},
                required=False,
                max_length=500,
            )

    def scores(self) -> dict[str, tuple[int, str]]:
        return {
            d.value: (self.cleaned_data[f"score_{d.value}"], self.cleaned_data[f"why_{d.value}"])
            for d in self.dimensions
        }
