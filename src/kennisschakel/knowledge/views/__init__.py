"""HTML pages of the knowledge bank, one module per kind of page: the search
(:mod:`.search`), a practice and its form (:mod:`.practices`), its files
(:mod:`.attachments`), adoptions (:mod:`.adoptions`), and import/export
(:mod:`.spreadsheets`)."""

from kennisschakel.knowledge.views.adoptions import adoption_create, adoption_reply
from kennisschakel.knowledge.views.attachments import attachment_download, attachment_upload
from kennisschakel.knowledge.views.practices import (
    my_practices,
    practice_create,
    practice_detail,
    practice_edit,
    practice_status,
)
from kennisschakel.knowledge.views.search import practice_list
from kennisschakel.knowledge.views.spreadsheets import practice_export, practice_import

__all__ = [
    "adoption_create",
    "adoption_reply",
    "attachment_download",
    "attachment_upload",
    "my_practices",
    "practice_create",
    "practice_detail",
    "practice_edit",
    "practice_export",
    "practice_import",
    "practice_list",
    "practice_status",
]
