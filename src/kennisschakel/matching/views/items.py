"""Questions and offers: ask or offer, change, the list, and a question's page with its
suggestions (those new since the asker's last visit marked) and introductions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kennisschakel.core.permissions import can_create, can_edit
from kennisschakel.matching import followup, rules, services
from kennisschakel.matching.forms import OfferForm, QuestionForm
from kennisschakel.matching.models import Introduction, Offer, Question


@login_required
def question_create(request):
    if request.user.organisation is None or not can_create(request.user, Question):
        raise PermissionDenied(_("Only contributors of a municipality can ask a question."))
    initial = {k: request.GET[k] for k in ("text",) if k in request.GET}
    if request.GET.get("international"):
        initial["international"] = True
    if request.GET.get("outside_circle"):
        initial["outside_circle"] = True
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        question = form.save_values(form.save(commit=False))
        question.organisation = request.user.organisation
        question.created_by = request.user
        try:
            services.save_item(
                question,
                form.cleaned_data["domains"],
                form.cleaned_data["countries"],
                form.cleaned_data["regions"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your question has been saved."))
            return redirect(question.get_absolute_url())
    return render(
        request,
        "matching/item_form.html",
        {"form": form, "kind": "question", "item": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def offer_create(request):
    if request.user.organisation is None or not can_create(request.user, Offer):
        raise PermissionDenied(_("Only contributors of a municipality can make an offer."))
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = form.save_values(form.save(commit=False))
        offer.organisation = request.user.organisation
        offer.created_by = request.user
        services.save_item(
            offer, form.cleaned_data["domains"], form.cleaned_data["countries"],
            form.cleaned_data["regions"],
        )  # fmt: skip
        messages.success(request, _("Your offer has been saved."))
        return redirect(offer.get_absolute_url())
    return render(
        request,
        "matching/item_form.html",
        {"form": form, "kind": "offer", "item": None},
        status=400 if form.is_bound and form.errors else 200,
    )


def _edit(request, item, form_class, kind):
    if not can_edit(request.user, item):
        raise PermissionDenied(_("Only the municipality itself can change this."))
    form = form_class(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = form.save_values(form.save(commit=False))
        services.save_item(
            saved, form.cleaned_data["domains"], form.cleaned_data["countries"],
            form.cleaned_data["regions"],
        )  # fmt: skip
        messages.success(request, _("Saved."))
        return redirect(saved.get_absolute_url())
    return render(
        request,
        "matching/item_form.html",
        {"form": form, "kind": kind, "item": item},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def question_edit(request, pk):
    return _edit(request, get_object_or_404(Question, pk=pk), QuestionForm, "question")


@login_required
def offer_edit(request, pk):
    return _edit(request, get_object_or_404(Offer, pk=pk), OfferForm, "offer")


def question_detail(request, pk):
    question = get_object_or_404(
        Question.objects.select_related("organisation__municipality").prefetch_related(
            "domains", "countries", "regions"
        ),
        pk=pk,
    )
    suggestions, new_keys = [], set()
    if question.status in (Question.Status.OPEN, Question.Status.IN_CONVERSATION):
        suggestions = services.question_matches(question, followup.TOP)
        if rules.is_asker(request.user, question):
            # Only the asking organisation's visits count as seen (followup.py).
            new_keys = followup.mark_seen(question, [s.key for s in suggestions])
    introductions = services.introductions_visible_to(request.user).filter(question=question)
    owner = can_edit(request.user, question)
    requested = {i.candidate_key for i in introductions}
    return render(
        request,
        "matching/question_detail.html",
        {
            "question": question,
            "suggestions": suggestions,
            "introductions": introductions,
            "may_edit": owner,
            "may_introduce": owner and can_create(request.user, Introduction),
            "requested": requested,
            "new_keys": new_keys,
        },
    )


def offer_detail(request, pk):
    offer = get_object_or_404(
        Offer.objects.select_related("organisation").prefetch_related("domains", "countries"),
        pk=pk,
    )
    return render(
        request,
        "matching/offer_detail.html",
        {"offer": offer, "may_edit": can_edit(request.user, offer)},
    )


def question_list(request):
    """Open questions and offers of all municipalities; yours first when you are logged in."""
    questions = Question.objects.select_related("organisation").prefetch_related("domains")
    offers = (
        Offer.objects.filter(active=True).select_related("organisation").prefetch_related("domains")
    )
    mine = (
        request.GET.get("mine") and request.user.is_authenticated and request.user.organisation_id
    )
    if mine:
        questions = questions.filter(organisation_id=request.user.organisation_id)
        offers = (
            Offer.objects.filter(organisation_id=request.user.organisation_id)
            .prefetch_related("domains")
            .select_related("organisation")
        )
    else:
        questions = questions.filter(
            status__in=[Question.Status.OPEN, Question.Status.IN_CONVERSATION]
        )
    return render(
        request,
        "matching/question_list.html",
        {"questions": questions[:200], "offers": offers[:200], "mine": bool(mine)},
    )
