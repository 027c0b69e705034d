"""The mutual-learning assessment (``001`` ch. 7): scores per side per year, and a chart."""

import io

from django.db import transaction

from kennisschakel.partnerships.models import LearningDimension, LearningScore


@transaction.atomic
def save_scores(partner, year: int, scores: dict[str, tuple[int, str]], user=None) -> None:
    """Store one side's scores for one year: {dimension: (score, justification)}."""
    for dimension, (score, justification) in scores.items():
        LearningScore.objects.update_or_create(
            partner=partner,
            year=year,
            dimension=dimension,
            defaults={"score": score, "justification": justification, "scored_by": user},
        )


def scores_by_side(partnership, year: int) -> dict:
    """{partner: {dimension: LearningScore}} for one year."""
    result = {}
    for score in LearningScore.objects.filter(
        partner__partnership=partnership, year=year
    ).select_related("partner__organisation", "partner__place"):
        result.setdefault(score.partner, {})[score.dimension] = score
    return result


def chart_svg(partnership, year: int) -> str:
    """Grouped bars, one group per dimension, one bar per side; SVG text, drawn on the server."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot as plt

    by_side = scores_by_side(partnership, year)
    if not by_side:
        return ""
    dimensions = list(LearningDimension)
    figure, axes = plt.subplots(figsize=(7, 3.6))
    width = 0.8 / len(by_side)
    colours = ["#0b3d66", "#c05a00", "#2f7d32", "#6a3d9a"]
    for index, (partner, scores) in enumerate(by_side.items()):
        values = [scores[d].score if d in scores else 0 for d in dimensions]
        positions = [i + index * width for i in range(len(dimensions))]
        axes.barh(
            positions,
            values,
            height=width,
            label=partner.label,
            color=colours[index % len(colours)],
        )
    axes.set_yticks([i + width * (len(by_side) - 1) / 2 for i in range(len(dimensions))])
    axes.set_yticklabels([str(d.label) for d in dimensions])
    axes.set_xlim(0, 5)
    axes.set_xticks(range(6))
    axes.invert_yaxis()
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    axes.set_title(f"{partnership.name} · {year}")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
