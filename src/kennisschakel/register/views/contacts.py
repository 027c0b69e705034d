"""Pages for an organisation's contact persons and for a person's own consent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.core.permissions import belongs_to
from kennisschakel.register import contacts
from kennisschakel.register.forms import ContactPersonForm
from kennisschakel.register.models import ContactPerson


def _own_person(request, pk) -> ContactPerson:
    person = get_object_or_404(ContactPerson, pk=pk)
    if not (request.user.is_facilitator or belongs_to(request.user, person.organisation_id)):
        raise PermissionDenied(_("You can only manage your own organisation's contact persons."))
    return person


@login_required
def contact_list(request):
    organisation = request.user.organisation
    if organisation is None or not belongs_to(request.user, organisation.pk):
        raise PermissionDenied(_("Only contributors of an organisation manage contact persons."))
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = contacts.add_person(form.save(commit=False), organisation)
        messages.success(
            request,
            _("%(name)s has been added and asked by email for consent to be shown.")
            % {"name": person.name},
        )
        return redirect("register:contact-list")
    people = organisation.contact_persons.filter(erased_at__isnull=True)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "register/contact_list.html", {"form": form, "people": people}, status=status
    )


@login_required
@require_POST
def contact_request_consent(request, pk):
    person = _own_person(request, pk)
    contacts.request_consent(person)
    messages.success(request, _("A new consent request is ready to be sent."))
    return redirect("register:contact-list")


@login_required
def contact_export(request, pk):
    person = _own_person(request, pk)
    response = HttpResponse(contacts.export_person(person), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="contactpersoon-{person.pk}.json"'
    return response


@login_required
@require_POST
def contact_erase(request, pk):
    person = _own_person(request, pk)
    contacts.erase_person(person)
    messages.success(request, _("The personal data have been erased."))
    return redirect("register:contact-list")


def consent(request, token):
    """The person's own page: give or withdraw consent. No login: the signed link is the key."""
    person = contacts.person_from_token(token)
    if person is None:
        return render(request, "register/consent_invalid.html", status=404)
    if request.method == "POST":
        if request.POST.get("answer") == "yes":
            contacts.give_consent(person)
            messages.success(request, _("Thank you: your consent has been recorded."))
        else:
            contacts.withdraw_consent(person)
            messages.success(request, _("Your details are no longer shown to other organisations."))
        return redirect("register:consent", token=token)
    return render(request, "register/consent.html", {"person": person})
