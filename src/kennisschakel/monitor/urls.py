from django.urls import path

from kennisschakel.monitor import (
    answering,
    management_views,
    preview,
    report_views,
    token_views,
)

app_name = "monitor"
urlpatterns = [
    # Coordinators / facilitators: waves (management_views.py)
    path("monitor/", management_views.wave_list, name="wave-list"),
    path("monitor/golven/nieuw/", management_views.wave_create, name="wave-create"),
    path("monitor/golven/<slug:slug>/", management_views.wave_detail, name="wave-detail"),
    path("monitor/golven/<slug:slug>/status/", management_views.wave_status, name="wave-status"),
    path("monitor/golven/<slug:slug>/bewerken/", management_views.wave_edit, name="wave-edit"),
    path("monitor/golven/<slug:slug>/import/", management_views.wave_import, name="wave-import"),
    path(
        "monitor/golven/<slug:slug>/export.<str:fmt>",
        management_views.wave_export,
        name="wave-export",
    ),
    # The facilitator's preview of the questionnaire; saves nothing (preview.py)
    path("monitor/golven/<slug:slug>/voorbeeld/", preview.wave_preview, name="wave-preview"),
    path(
        "monitor/golven/<slug:slug>/voorbeeld/<str:block>/",
        preview.wave_preview_block,
        name="wave-preview-block",
    ),
    # Codes per municipality and bulk actions with confirmation (token_views.py)
    path("monitor/golven/<slug:slug>/codes/", token_views.token_list, name="wave-tokens"),
    path(
        "monitor/golven/<slug:slug>/codes/actie/",
        token_views.token_action,
        name="wave-token-action",
    ),
    path(
        "monitor/golven/<slug:slug>/codes/export.<str:fmt>",
        token_views.token_export,
        name="wave-tokens-export",
    ),
    path(
        "monitor/golven/<slug:slug>/codes/<str:cbs_code>/",
        token_views.token_detail,
        name="wave-token",
    ),
    path(
        "monitor/golven/<slug:slug>/acties/<str:action>/",
        token_views.bulk_confirm,
        name="wave-bulk",
    ),
    # The code holder answers (answering.py)
    path("monitor/<slug:slug>/", answering.start, name="answer-start"),
    path("monitor/<slug:slug>/code/<str:code>/", answering.open_link, name="answer-link"),
    path("monitor/<slug:slug>/vragen/<str:block>/", answering.block, name="answer-block"),
    path("monitor/<slug:slug>/opslaan/", answering.autosave, name="answer-autosave"),
    path("monitor/<slug:slug>/overzicht/", answering.review, name="answer-review"),
    path("monitor/<slug:slug>/doorsturen/", answering.forward, name="answer-forward"),
    path("monitor/<slug:slug>/klaar/", answering.done, name="answer-done"),
    path("monitor/<slug:slug>/afmelden/", answering.leave, name="answer-leave"),
    # Results (report_views.py) — added below by the reporting work.
    path("monitor/golven/<slug:slug>/rapport/", report_views.wave_report, name="wave-report"),
    path(
        "monitor/golven/<slug:slug>/rapport/pdf/",
        report_views.wave_report_pdf,
        name="wave-report-pdf",
    ),
    path(
        "monitor/golven/<slug:slug>/rapport/grafiek/<str:table_id>.svg",
        report_views.wave_chart,
        name="wave-chart",
    ),
    path(
        "monitor/golven/<slug:slug>/waar-staan-wij/",
        report_views.where_we_stand,
        name="where-we-stand",
    ),
    path(
        "monitor/golven/<slug:slug>/waar-staan-wij/pdf/",
        report_views.where_we_stand_pdf,
        name="where-we-stand-pdf",
    ),
]
