"""The mutual-learning assessment page (``001`` ch. 7): scores per side, and the chart."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kennisschakel.core.permissions import can_edit
from kennisschakel.core.svg import without_inline_styles
from kennisschakel.partnerships.models import (
    Partnership,
)
from kennisschakel.partnerships.rules import may_score_side


def learning_assessment(request, slug):
    """Score mutual learning per side per year; everyone sees the chart comparing the sides."""
    import datetime

    from django.utils.safestring import mark_safe

    from kennisschakel.partnerships import learning
    from kennisschakel.partnerships.forms import LearningAssessmentForm

    partnership = get_object_or_404(Partnership, slug=slug)
    try:
        year = int(
            request.GET.get("year") or request.POST.get("year") or datetime.date.today().year
        )
    except ValueError:
        year = datetime.date.today().year
    may_score = can_edit(request.user, partnership)
    form = None
    if may_score:
        _refuse_other_side(request, partnership)
        form = LearningAssessmentForm(
            request.POST or None, partnership=partnership, user=request.user, initial={"year": year}
        )
        if request.method == "POST" and form.is_valid():
            learning.save_scores(
                form.cleaned_data["partner"], form.cleaned_data["year"], form.scores(), request.user
            )
            messages.success(request, _("The scores have been saved."))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    elif request.method == "POST":
        raise PermissionDenied(_("Only the municipalities in this partnership can score it."))
    status = 400 if form is not None and form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "partnerships/learning_assessment.html",
        {
            "partnership": partnership,
            "year": year,
            "form": form,
            "scores": learning.scores_by_side(partnership, year),
            # Our own SVG, with its styles as attributes: the page's CSP allows no inline styles.
            "chart": mark_safe(without_inline_styles(learning.chart_svg(partnership, year))),  # noqa: S308
        },
        status=status,
    )


def _refuse_other_side(request, partnership) -> None:
    """Posting scores for another partner's side is refused outright, not just 'invalid'."""
    raw = request.POST.get("partner", "") if request.method == "POST" else ""
    if not (raw.isdigit() and len(raw) < 10):
        return  # no side named: the form says what is missing
    side = partnership.partners.filter(pk=int(raw)).first()
    if side is not None and not may_score_side(request.user, side):
        raise PermissionDenied(
            _("You can only fill in your own organisation's side of this assessment.")
        )
