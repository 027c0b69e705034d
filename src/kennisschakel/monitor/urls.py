from django.urls import path

from kennisschakel.monitor.views import answering, preview, reports, tokens, waves

app_name = "monitor"
urlpatterns = [
    # Coordinators / facilitators: waves (views/waves.py)
    path("monitor/", waves.wave_list, name="wave-list"),
    path("monitor/golven/nieuw/", waves.wave_create, name="wave-create"),
    path("monitor/golven/<slug:slug>/", waves.wave_detail, name="wave-detail"),
    path("monitor/golven/<slug:slug>/status/", waves.wave_status, name="wave-status"),
    path("monitor/golven/<slug:slug>/bewerken/", waves.wave_edit, name="wave-edit"),
    path("monitor/golven/<slug:slug>/import/", waves.wave_import, name="wave-import"),
    path(
        "monitor/golven/<slug:slug>/export.<str:fmt>",
        waves.wave_export,
        name="wave-export",
    ),
    # The facilitator's preview of the questionnaire; saves nothing (views/preview.py)
    path("monitor/golven/<slug:slug>/voorbeeld/", preview.wave_preview, name="wave-preview"),
    path(
        "monitor/golven/<slug:slug>/voorbeeld/<str:block>/",
        preview.wave_preview_block,
        name="wave-preview-block",
    ),
    # Codes per municipality and bulk actions with confirmation (views/tokens.py)
    path("monitor/golven/<slug:slug>/codes/", tokens.token_list, name="wave-tokens"),
    path(
        "monitor/golven/<slug:slug>/codes/actie/",
        tokens.token_action,
        name="wave-token-action",
    ),
    path(
        "monitor/golven/<slug:slug>/codes/export.<str:fmt>",
        tokens.token_export,
        name="wave-tokens-export",
    ),
    path(
        "monitor/golven/<slug:slug>/codes/<str:cbs_code>/",
        tokens.token_detail,
        name="wave-token",
    ),
    path(
        "monitor/golven/<slug:slug>/acties/<str:action>/",
        tokens.bulk_confirm,
        name="wave-bulk",
    ),
    # The code holder answers (views/answering.py)
    path("monitor/<slug:slug>/", answering.start, name="answer-start"),
    path("monitor/<slug:slug>/code/<str:code>/", answering.open_link, name="answer-link"),
    path("monitor/<slug:slug>/vragen/<str:block>/", answering.block, name="answer-block"),
    path("monitor/<slug:slug>/opslaan/", answering.autosave, name="answer-autosave"),
    path("monitor/<slug:slug>/overzicht/", answering.review, name="answer-review"),
    path("monitor/<slug:slug>/doorsturen/", answering.forward, name="answer-forward"),
    path("monitor/<slug:slug>/klaar/", answering.done, name="answer-done"),
    path("monitor/<slug:slug>/afmelden/", answering.leave, name="answer-leave"),
    # Results (views/reports.py).
    path("monitor/golven/<slug:slug>/rapport/", reports.wave_report, name="wave-report"),
    path(
        "monitor/golven/<slug:slug>/rapport/pdf/",
        reports.wave_report_pdf,
        name="wave-report-pdf",
    ),
    path(
        "monitor/golven/<slug:slug>/rapport/grafiek/<str:table_id>.svg",
        reports.wave_chart,
        name="wave-chart",
    ),
    path(
        "monitor/golven/<slug:slug>/waar-staan-wij/",
        reports.where_we_stand,
        name="where-we-stand",
    ),
    path(
        "monitor/golven/<slug:slug>/waar-staan-wij/pdf/",
        reports.where_we_stand_pdf,
        name="where-we-stand-pdf",
    ),
]
