"""Introductions: ask for one to a suggestion, the lists of those asked by and of you, and
one introduction's page (answer, withdraw; contacts once accepted)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kennisschakel.core.permissions import can_edit
from kennisschakel.matching import rules, services
from kennisschakel.matching.forms import AnswerIntroductionForm, IntroductionForm
from kennisschakel.matching.models import Introduction, Question


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
