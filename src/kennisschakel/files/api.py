"""/api/v1/file-jobs/{id}: a file made in the background, for API clients.

An API call that asks for a PDF (e.g. ``POST /api/v1/waves/{slug}/report-pdf``) answers
``202 Accepted`` with ``Location: /api/v1/file-jobs/{id}``; the client polls that
resource until ``status`` is ``done`` and then fetches ``download``. The same rules as
on the site decide who may see a job; for anyone else it does not exist (404).
"""

import uuid

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from kennisschakel.core.api.openapi import PROBLEM_CONTENT_TYPE, problem_response
from kennisschakel.files import jobs, kinds
from kennisschakel.files.models import GeneratedFile
from kennisschakel.knowledge.downloads import serve_file


class FileJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField(
        help_text="How far the work is: `done` of `total` steps (0 of 0: not known yet)."
    )
    download = serializers.SerializerMethodField(
        help_text="Where to fetch the file once `status` is `done`; null before."
    )
    title = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedFile
        fields = ["id", "kind", "title", "status", "progress", "status_line", "error",
                  "filename", "size", "created_at", "finished_at", "expires_at",
                  "download"]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, job) -> dict[str, int]:
        return {"done": job.progress_done, "total": job.progress_total}

    def get_download(self, job) -> str | None:
        if job.status != GeneratedFile.Status.DONE:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:file-job-content", args=[job.pk])
        )

    def get_title(self, job) -> str:
        return str(kinds.get(job.kind).title(job))


def job_accepted(request, job: GeneratedFile) -> Response:
    """202 with Location: the answer of every API call that asks for a file."""
    body = FileJobSerializer(job, context={"request": request}).data
    location = reverse("api:file-job-detail", args=[job.pk])
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


ACCEPTED = OpenApiResponse(
    FileJobSerializer,
    description="Accepted: the file is being made. `Location` is its job "
    "(`/api/v1/file-jobs/{id}`); poll it until `status` is `done`, then fetch `download`. "
    "Asking again while it is being made returns the same job.",
)


@extend_schema_view(
    retrieve=extend_schema(
        summary="A file being made: status, progress and, when done, where to download it",
        tags=["files"],
        responses={
            200: FileJobSerializer,
            (404, PROBLEM_CONTENT_TYPE): problem_response(
                "Not Found: no such job, it expired, or it is not yours."
            ),
        },
    ),
)
class FileJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = GeneratedFile.objects.all()
    serializer_class = FileJobSerializer
    permission_classes = [AllowAny]  # the job's own rule decides (jobs.may_access)
    lookup_value_regex = r"[0-9a-fA-F-]{36}"

    def get_object(self):
        # The route admits 36 hex digits and dashes; only a real UUID can name a job.
        try:
            job_id = uuid.UUID(self.kwargs["pk"])
        except ValueError:
            raise exceptions.NotFound(_("There is no such file, or it is not yours.")) from None
        job = GeneratedFile.objects.filter(pk=job_id).first()
        if job is None or not jobs.may_access(self.request, job):
            raise exceptions.NotFound(_("There is no such file, or it is not yours."))
        return job

    @extend_schema(
        summary="The made file (application/pdf)",
        tags=["files"],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                bytes, description="The file, as an attachment."
            ),
            (404, PROBLEM_CONTENT_TYPE): problem_response(
                "Not Found: no such job, not made (yet), expired, or not yours."
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        job = self.get_object()
        if job.status != GeneratedFile.Status.DONE or not job.file:
            raise exceptions.NotFound(_("The file is not ready (yet): see the job's status."))
        return serve_file(job.file, job.filename, kinds.get(job.kind).content_type, private=True)
