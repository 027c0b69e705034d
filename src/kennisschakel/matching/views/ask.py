"""Asking: type a question on /hulp-zoeken/ and see suggestions at once, then go on to an
introduction in one step (the typed question saved as the organisation's)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.core.permissions import can_create
from kennisschakel.matching import rules, services
from kennisschakel.matching.forms import TryForm
from kennisschakel.matching.models import Introduction, Question
from kennisschakel.register import models as register


def own_municipality(user):
    if user.is_authenticated and user.organisation_id:
        return register.Municipality.objects.filter(organisation_id=user.organisation_id).first()
    return None


def ask(request):
    """Type a question and see suggestions at once; save it to follow it up."""
    data = request.GET if "text" in request.GET else None
    if data is None and request.GET.get("q", "").strip():
        # The home page's box "Wat wilt u weten?" (its field is the practice search's q)
        # goes on here with "Hulp zoeken": what was typed is the question.
        data = {"text": request.GET["q"]}
    form = TryForm(data)
    return _ask_page(request, form, status=400 if form.is_bound and not form.is_valid() else 200)


def _may_introduce_from_ask(user) -> bool:
    """Saving the typed question and asking for an introduction in one step takes both."""
    return (
        user.is_authenticated
        and user.organisation_id is not None
        and can_create(user, Question)
        and rules.may_request_introduction(user)
    )


def _ask_page(request, form, status=200):
    municipality = own_municipality(request.user)
    suggestions = None
    # Suggestions whenever the text itself is fine (an error elsewhere keeps them shown).
    if form.is_bound and form.is_valid() or "text" in getattr(form, "cleaned_data", {}):
        data = form.cleaned_data
        suggestions = services.find_matches(
            data["text"],
            municipality,
            international=data.get("international", False),
            outside_circle=data.get("outside_circle", False),
        )
    may_introduce = _may_introduce_from_ask(request.user)
    requested = set()
    if may_introduce and suggestions:
        # Who we already asked (an open request): no second button for them.
        requested = set(
            Introduction.objects.filter(
                asker_id=request.user.organisation_id, status=Introduction.Status.REQUESTED
            ).values_list("candidate_key", flat=True)
        )
    return render(
        request,
        "matching/ask.html",
        {
            "form": form,
            "suggestions": suggestions,
            "municipality": municipality,
            "may_save": municipality is not None and can_create(request.user, Question),
            "may_introduce": may_introduce,
            "introduce_from_ask": may_introduce,
            "requested": requested,
        },
        status=status,
    )


@login_required
@require_POST
def ask_introduce(request):
    """One step from a suggestion on /hulp-zoeken/ to the introduction form: the typed
    question becomes the organisation's question and the form opens for that suggestion.
    On any error the ask page comes back with everything typed and nothing saved."""
    if not _may_introduce_from_ask(request.user):
        raise PermissionDenied(rules.why_no_introduction(request.user))
    form = TryForm(request.POST)
    key = request.POST.get("key", "")
    if form.is_valid():
        try:
            recipient, _person = services.recipient_of(key)
            if recipient.pk == request.user.organisation_id:
                raise ValidationError(
                    _("You cannot ask for an introduction to your own organisation.")
                )
            question = services.save_asked_question(
                request.user,
                form.cleaned_data["text"],
                international=form.cleaned_data["international"],
                outside_circle=form.cleaned_data["outside_circle"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            query = urlencode({"key": key, "question": question.pk})
            return redirect(f"{reverse('matching:introduction-create')}?{query}")
    return _ask_page(request, form, status=400)
