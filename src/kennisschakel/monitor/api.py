"""REST API of the monitor: instruments, waves, invitations, answers and aggregate results.

* ``/api/v1/instruments`` — the questionnaires as data (read-only).
* ``/api/v1/waves`` — waves; facilitators create and change them. ``…/invitations`` shows
  facilitators who has started and submitted (never answers); ``…/report`` gives the
  aggregate tables, suppressed exactly as on the site, to everyone once a wave is closed.
* ``/api/v1/waves/{slug}/answers`` — for the code holder, who sends the access code in
  the ``X-Access-Code`` header: read and save the municipality's own answers, and
  ``…/answers/submit``. Wrong codes count toward the same lock-out as on the site.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator
from rest_framework.views import APIView

from kennisschakel.core.clientip import client_ip
from kennisschakel.engines import survey
from kennisschakel.files.api import ACCEPTED as FILE_JOB_ACCEPTED
from kennisschakel.monitor import rules, services
from kennisschakel.monitor.models import Instrument, Invitation, Wave
from kennisschakel.monitor.report_cache import computed_report
from kennisschakel.monitor.reporting import report_json
from kennisschakel.register.models import SizeScheme

ACCESS_CODE_HEADER = OpenApiParameter(
    "X-Access-Code",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The municipality's access code from the letter or email.",
)


class InstrumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = ["slug", "title_nl", "title_en", "source", "definition"]


@extend_schema_view(
    list=extend_schema(summary="Survey instruments", tags=["monitor"]),
    retrieve=extend_schema(summary="One instrument with all its questions", tags=["monitor"]),
)
class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Instrument.objects.order_by("slug")
    serializer_class = InstrumentSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"


class WaveSerializer(serializers.ModelSerializer):
    """``status`` is computed from the dates and ``status_override`` (read-only); a
    facilitator opens or closes by hand with ``status_override`` ("open", "closed", or
    "" for back to the dates), recorded with who and when. ``slug`` (from the title) and
    ``size_scheme`` (the instrument's) may be left out when creating."""

    instrument = serializers.SlugRelatedField(slug_field="slug", queryset=Instrument.objects.all())
    size_scheme = serializers.SlugRelatedField(
        slug_field="slug", queryset=SizeScheme.objects.all(), required=False
    )
    slug = serializers.SlugField(
        max_length=80, required=False, validators=[UniqueValidator(queryset=Wave.objects.all())]
    )
    status = serializers.ChoiceField(choices=Wave.Status.choices, read_only=True)
    status_override = serializers.ChoiceField(
        choices=[Wave.Status.OPEN, Wave.Status.CLOSED], allow_blank=True, required=False
    )

    class Meta:
        model = Wave
        fields = [
            "slug",
            "instrument",
            "title",
            "period",
            "reference_date",
            "size_scheme",
            "opens_on",
            "closes_on",
            "status",
            "status_override",
            "min_cell",
        ]

    def validate(self, attrs):
        opens = attrs.get("opens_on", getattr(self.instance, "opens_on", None))
        closes = attrs.get("closes_on", getattr(self.instance, "closes_on", None))
        if opens and closes and closes < opens:
            raise serializers.ValidationError(
                {"closes_on": _("The closing date lies before the opening date.")}
            )
        changed_population = (
            self.instance is not None
            and "reference_date" in attrs
            and attrs["reference_date"] != self.instance.reference_date
        )
        if changed_population:
            raise serializers.ValidationError(
                {"reference_date": _("The population of a wave cannot change afterwards.")}
            )
        return attrs

    def create(self, validated):
        override = validated.pop("status_override", "")
        try:
            wave = services.create_wave(validated, self.context["request"].user)
            if override:
                services.set_status(wave, override, self.context["request"].user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return wave

    def update(self, instance, validated):
        serializers.raise_errors_on_nested_writes("update", self, validated)
        override = validated.pop("status_override", None)
        try:
            # New dates may open or close it now: the service announces that (once).
            return services.update_wave(
                instance, validated, override=override, user=self.context["request"].user
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


class InvitationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "cbs_code",
            "name",
            "size_class",
            "province",
            "email",
            "state",
            "started_at",
            "submitted_at",
            "imported",
        ]


@extend_schema_view(
    list=extend_schema(summary="Survey waves", tags=["monitor"]),
    retrieve=extend_schema(summary="One wave", tags=["monitor"]),
    create=extend_schema(
        summary="Create a wave: one invitation per municipality of its population",
        tags=["monitor"],
    ),
    partial_update=extend_schema(summary="Change dates or status (facilitators)", tags=["monitor"]),
    update=extend_schema(summary="Change a wave (facilitators)", tags=["monitor"]),
)
class WaveViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    # A practice wave (fictitious answers) is a demo on the site, never data: not here.
    queryset = Wave.objects.filter(is_practice=False).select_related("instrument", "size_scheme")
    serializer_class = WaveSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"  # a slug; anything else (a NUL byte) is a 404

    @extend_schema(
        summary="Who has started and submitted (facilitators; never answers)",
        responses=InvitationSerializer(many=True),
        tags=["monitor"],
    )
    @action(detail=True, methods=["get"])
    def invitations(self, request, slug=None):
        wave = self.get_object()
        if not rules.may_run_waves(request.user):
            raise exceptions.PermissionDenied(_("Only facilitators run survey waves."))
        rows = wave.invitations.order_by("name")
        page = self.paginate_queryset(rows)
        serializer = InvitationSerializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="Aggregate tables of a wave, suppressed as on the site",
        responses={200: dict},
        tags=["monitor"],
    )
    @action(detail=True, methods=["get"])
    def report(self, request, slug=None):
        wave = self.get_object()
        if wave.status != Wave.Status.CLOSED and not rules.may_run_waves(request.user):
            raise exceptions.PermissionDenied(
                _("The results are published when the wave closes on %(day)s.")
                % {"day": wave.closes_on.isoformat()}
            )
        return Response(report_json(wave, tables=computed_report(wave).tables))

    @extend_schema(
        summary="Ask for the analyst report as a PDF: 202, made in the background",
        request=None,
        responses={202: FILE_JOB_ACCEPTED},
        tags=["monitor"],
    )
    @action(
        detail=True, methods=["post"], url_path="report-pdf", permission_classes=[IsAuthenticated]
    )
    def report_pdf(self, request, slug=None):
        """The same job as the site's button: one per wave and language, shared by all
        who may read the report (files app, monitor/pdfs.py). Asking is not changing the
        wave: whoever may read the report may ask (with a token)."""
        from kennisschakel.files.api import job_accepted
        from kennisschakel.files.jobs import request_file

        wave = get_object_or_404(self.get_queryset(), slug=slug)
        if wave.status != Wave.Status.CLOSED and not rules.may_run_waves(request.user):
            raise exceptions.PermissionDenied(
                _("The results are published when the wave closes on %(day)s.")
                % {"day": wave.closes_on.isoformat()}
            )
        job, _created = request_file(
            request, "monitor-report", {"wave": wave.slug, "title": wave.title}
        )
        return job_accepted(request, job)


def code_holder(request, slug, *, write: bool = False) -> Invitation:
    """The invitation the X-Access-Code header opens, or a problem (401, 403 or 429).

    After the wave has closed a code still reads its own answers for a while
    (``services.code_phase``), but ``write`` (saving, submitting) is refused."""
    wave = get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)
    code = request.headers.get("X-Access-Code", "").strip()
    if not code:
        raise exceptions.NotAuthenticated(_("Send the access code in the X-Access-Code header."))
    try:
        invitation = services.check_code(wave, code, client_ip(request))
    except services.CodeRejected as rejected:
        if rejected.reason in ("locked", "wave_locked"):
            raise exceptions.Throttled(
                wait=rejected.retry_after,
                detail=_("Too many wrong codes were tried from this connection."),
            ) from rejected
        if rejected.reason == "closed":
            raise exceptions.PermissionDenied(_("This questionnaire is not open.")) from rejected
        raise exceptions.AuthenticationFailed(
            _("This code does not open this questionnaire.")
        ) from rejected
    if write and services.code_phase(wave) != "answer":
        raise exceptions.PermissionDenied(
            _("This questionnaire has closed: answers can no longer be given or changed.")
        )
    return invitation


def _answers_body(invitation: Invitation) -> dict:
    instrument = invitation.wave.instrument.engine()
    answered, asked = survey.progress(instrument, invitation.answers)
    return {
        "wave": invitation.wave.slug,
        "cbs_code": invitation.cbs_code,
        "name": invitation.name,
        "answers": invitation.answers,
        "invalid_input": invitation.invalid_input,
        "missing_required": survey.missing_required(instrument, invitation.answers),
        "answered": answered,
        "asked": asked,
        "submitted_at": invitation.submitted_at,
    }


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text="{question code: value}; values as in docs/monitor-formats.md. Valid answers "
        "are saved even when others are not; the invalid ones come back as problems."
    )


class CodeHolderView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # the access code is the credential, not a session or token

    def get_authenticate_header(self, request):
        # Makes a missing or wrong code a 401 (with this challenge) rather than a 403.
        return "AccessCode"


class AnswersView(CodeHolderView):
    """The code holder's own answers; nobody else's are reachable here."""

    @extend_schema(
        summary="Your municipality's answers (code holder)",
        parameters=[ACCESS_CODE_HEADER],
        responses={200: dict},
        tags=["monitor"],
    )
    def get(self, request, slug):
        return Response(_answers_body(code_holder(request, slug)))

    @extend_schema(
        summary="Save some answers (code holder); saving twice is harmless",
        parameters=[ACCESS_CODE_HEADER],
        request=AnswersSerializer,
        responses={200: dict},
        tags=["monitor"],
    )
    def patch(self, request, slug):
        from django.core.exceptions import ValidationError

        invitation = code_holder(request, slug, write=True)
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.save_answers(invitation, serializer.validated_data["answers"])
        except ValidationError as error:
            raise exceptions.PermissionDenied(" ".join(error.messages)) from error
        if result.errors:
            raise serializers.ValidationError({"answers": result.errors})
        return Response(_answers_body(invitation))


class SubmitSerializer(serializers.Serializer):
    receipt_email = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text="Where to send a receipt."
    )


class SubmitView(CodeHolderView):
    @extend_schema(
        summary="Submit the answers (code holder); submitting again changes nothing",
        parameters=[ACCESS_CODE_HEADER],
        request=SubmitSerializer,
        responses={200: dict},
        tags=["monitor"],
    )
    def post(self, request, slug):
        from django.core.exceptions import ValidationError

        invitation = code_holder(request, slug, write=True)
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            # Idempotent: submitting again answers with the submitted state (200).
            services.submit(invitation, serializer.validated_data["receipt_email"])
        except ValidationError as error:
            raise serializers.ValidationError({"missing_required": error.messages}) from error
        return Response(_answers_body(invitation))
