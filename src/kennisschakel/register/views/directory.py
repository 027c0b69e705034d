"""The register's pages of municipalities, organisations (with the profile form) and
groupings; each other app adds its own sections to a party's page
(core/party_sections.py)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from kennisschakel.core import party_sections
from kennisschakel.core.permissions import belongs_to, can_edit
from kennisschakel.register import models as m
from kennisschakel.register.filters import MunicipalityFilter, OrganisationFilter
from kennisschakel.register.forms import OrganisationProfileForm
from kennisschakel.register.services import (
    municipality_queryset,
    predecessors_of,
    size_classes_of,
    size_schemes,
    update_organisation,
)

PAGE_SIZE = 50


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def municipality_list(request):
    filterset = MunicipalityFilter(
        request.GET or None, queryset=municipality_queryset().order_by("sort_name")
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = _page(request, queryset)
    schemes = size_schemes()
    rows = [(mun, size_classes_of(mun, schemes)) for mun in page.object_list]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "schemes": [s.scheme for s in schemes],
        "query": _query_without_page(request),
        "total": page.paginator.count,
    }
    template = (
        "register/_municipality_results.html"
        if request.headers.get("HX-Request")
        else "register/municipality_list.html"
    )
    return render(request, template, context)


def municipality_detail(request, cbs_code):
    municipality = get_object_or_404(
        municipality_queryset().select_related("organisation"), cbs_code=cbs_code.upper()
    )
    return render(
        request,
        "register/municipality_detail.html",
        {
            "municipality": municipality,
            "organisation": municipality.organisation,
            "size_classes": size_classes_of(municipality, size_schemes()),
            "memberships": municipality.grouping_memberships.select_related("grouping").order_by(
                "grouping__kind", "grouping__name"
            ),
            "borders": municipality.border_segments.select_related("country"),
            "predecessors": predecessors_of(municipality),
            "can_edit": can_edit(request.user, municipality.organisation),
            **_contact_point(request.user, municipality.organisation),
            # Practices, questions, partnerships, monitor: each app's own section
            # (core/party_sections.py); the register imports none of those apps.
            "sections": party_sections.sections_for(request, municipality),
        },
    )


def _contact_point(user, organisation) -> dict:
    """The people others may contact (consent given), and for the organisation's own
    people and facilitators also those who have not consented yet (marked so)."""
    people = list(
        m.ContactPerson.objects.visible_to(user)
        .filter(organisation=organisation, erased_at__isnull=True)
        .order_by("name")
    )
    own = bool(user.is_authenticated and belongs_to(user, organisation.pk))
    return {"contacts": people, "manages_contacts": own}


class OrganisationListView(ListView):
    template_name = "register/organisation_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "organisations"

    def get_queryset(self):
        queryset = m.Organisation.objects.prefetch_related(
            Prefetch("domains", queryset=m.PolicyDomain.objects.order_by("position"))
        ).order_by("name")
        self.filterset = OrganisationFilter(self.request.GET or None, queryset=queryset)
        if self.filterset.is_bound and self.filterset.is_valid():
            queryset = self.filterset.qs
        if not self.request.GET.get("type"):
            # Municipalities have their own register page; list the others here.
            queryset = queryset.exclude(type=m.Organisation.Type.MUNICIPALITY)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, query=_query_without_page(self.request), **kwargs
        )


class OrganisationDetailView(DetailView):
    template_name = "register/organisation_detail.html"
    context_object_name = "organisation"
    slug_field = "slug"

    def get_queryset(self):
        return m.Organisation.objects.prefetch_related("domains__parent")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if hasattr(self.object, "municipality"):
            return redirect(self.object.municipality.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(
                object=self.object,
                can_edit=can_edit(request.user, self.object),
                # Members, partnerships, practices, questions: each app's own section.
                sections=party_sections.sections_for(request, self.object),
                **_contact_point(request.user, self.object),
            )
        )


class OrganisationEditView(LoginRequiredMixin, View):
    """A contributor keeps the own organisation's profile current."""

    template_name = "register/organisation_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(m.Organisation, slug=kwargs["slug"])
        if request.user.is_authenticated and not can_edit(request.user, self.organisation):
            raise PermissionDenied(_("You can only edit your own organisation's profile."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, slug):
        form = OrganisationProfileForm(instance=self.organisation)
        return render(
            request, self.template_name, {"form": form, "organisation": self.organisation}
        )

    def post(self, request, slug):
        form = OrganisationProfileForm(request.POST, instance=self.organisation)
        if not form.is_valid():
            return render(
                request,
                self.template_name,
                {"form": form, "organisation": self.organisation},
                status=400,
            )
        update_organisation(self.organisation, form.cleaned_data)
        messages.success(request, _("The profile has been saved."))
        return redirect(self.organisation.get_absolute_url())


def grouping_list(request):
    groupings = m.Grouping.objects.annotate(member_count=Count("memberships")).order_by(
        "kind", "name"
    )
    return render(request, "register/grouping_list.html", {"groupings": groupings})
