"""Pages: ask a question (suggestions at once), my questions and offers, a question with its
suggestions and introductions, introduction requests, and the international partner search."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.accounts.permissions import can_create, can_edit
from kennisschakel.matching import followup, rules, services
from kennisschakel.matching.forms import (
    AnswerIntroductionForm,
    IntroductionForm,
    OfferForm,
    PlaceSearchForm,
    QuestionForm,
    TryForm,
)
from kennisschakel.matching.models import Introduction, Offer, Question
from kennisschakel.register import models as register


def _own_municipality(user):
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
    municipality = _own_municipality(request.user)
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


@login_required
def introduction_create(request):
    key = request.GET.get("key") or request.POST.get("key") or ""
    question = Question.objects.filter(
        pk=request.GET.get("question") or request.POST.get("question") or 0
    ).first()
    if not rules.may_request_introduction(request.user, question):
        raise PermissionDenied(rules.why_no_introduction(request.user, question))
    try:
        recipient, person = services.recipient_of(key)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(question.get_absolute_url() if question else "matching:ask")
    form = IntroductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.request_introduction(
                request.user, key, form.cleaned_data["message"], question
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request has been sent to %(name)s.") % {"name": introduction.recipient},
            )
            return redirect(introduction.get_absolute_url())
    return render(
        request,
        "matching/introduction_form.html",
        {"form": form, "key": key, "question": question, "recipient": recipient, "person": person},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def introduction_list(request):
    visible = services.introductions_visible_to(request.user)
    organisation_id = request.user.organisation_id
    return render(
        request,
        "matching/introduction_list.html",
        {
            "incoming": visible.filter(recipient_id=organisation_id),
            "outgoing": visible.filter(asker_id=organisation_id),
        },
    )


@login_required
def introduction_detail(request, pk):
    introduction = get_object_or_404(
        Introduction.objects.select_related(
            "asker", "recipient", "requested_by", "responded_by", "question", "person"
        ),
        pk=pk,
    )
    if not rules.may_see_introduction(request.user, introduction):
        # A third party learns nothing, not even that the request exists.
        from django.http import Http404

        raise Http404(_("No such introduction."))
    recipient_side = rules.may_answer_introduction(request.user, introduction)
    may_answer = recipient_side and introduction.status == Introduction.Status.REQUESTED
    form = AnswerIntroductionForm(request.POST or None) if recipient_side else None
    if request.method == "POST":
        if "withdraw" in request.POST and can_edit(request.user, introduction):
            try:
                services.withdraw_introduction(introduction, request.user)
            except ValidationError as error:  # AlreadyAnswered: someone was first
                messages.error(request, " ".join(error.messages))
            return redirect(introduction.get_absolute_url())
        if form is None:
            raise PermissionDenied(_("Only the organisation asked can answer this request."))
        if form.is_valid():
            try:
                services.answer_introduction(
                    introduction,
                    request.user,
                    form.cleaned_data["accept"],
                    form.cleaned_data["response"],
                )
            except services.AlreadyAnswered as error:
                # A colleague answered (or the asker withdrew) at the same time: say so.
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Your answer has been sent."))
            return redirect(introduction.get_absolute_url())
    if not may_answer:
        form = None
    return render(
        request,
        "matching/introduction_detail.html",
        {
            "introduction": introduction,
            "form": form,
            "show_contacts": introduction.status == Introduction.Status.ACCEPTED,
            "may_withdraw": can_edit(request.user, introduction)
            and introduction.status == Introduction.Status.REQUESTED,
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


def international(request):
    """Places abroad by country, region, size and name, with the Dutch municipalities already
    working there and through which programmes; and networks that suit your municipality."""
    from kennisschakel.partnerships.models import PartnershipPartner

    form = PlaceSearchForm(request.GET or None)
    places = []
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        queryset = register.ForeignPlace.objects.select_related("country__world_region")
        if data["country"]:
            queryset = queryset.filter(country=data["country"])
        if data["region"]:
            queryset = queryset.filter(country__world_region=data["region"])
        if data["min_population"]:
            queryset = queryset.filter(population__gte=data["min_population"])
        if data["q"]:
            from kennisschakel.engines.text.folding import fold

            queryset = queryset.filter(search_names__contains=f"|{fold(data['q'])}")
        linked = PartnershipPartner.objects.filter(place__isnull=False)
        linked_ids = set(linked.values_list("place_id", flat=True))
        # Places with Dutch partners first, then the largest.
        chosen = list(queryset.filter(pk__in=linked_ids)[:50]) + list(
            queryset.exclude(pk__in=linked_ids).order_by("-population")[:25]
        )
        # Two queries: which partnerships the places are in, then their Dutch partners.
        place_of: dict[int, set[int]] = {}
        for partnership_id, place_id in PartnershipPartner.objects.filter(
            place__in=[p.pk for p in chosen]
        ).values_list("partnership_id", "place_id"):
            place_of.setdefault(partnership_id, set()).add(place_id)
        dutch: dict[int, list] = {}
        for row in PartnershipPartner.objects.filter(
            partnership_id__in=place_of,
            organisation__type="municipality",
            status=PartnershipPartner.Status.CONFIRMED,  # not those merely named by another
        ).select_related("organisation__municipality", "partnership"):
            for place_id in place_of[row.partnership_id]:
                dutch.setdefault(place_id, []).append(row)
        places = [(place, dutch.get(place.pk, [])) for place in chosen]
    municipality = _own_municipality(request.user)
    return render(
        request,
        "matching/international.html",
        {
            "form": form,
            "places": places,
            "municipality": municipality,
            "networks": services.network_suggestions(municipality) if municipality else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
