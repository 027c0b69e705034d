"""Optimistic concurrency for edit forms and API updates: no silent lost updates.

Two editors open the same form; the first saves; the second's save must be
refused instead of silently overwriting the first one's work. Reusable for any
model with an integer ``version`` column (``VersionedModel`` gives one):

1. The form (``VersionedFormMixin``) carries a hidden ``version_token``: the
   version the editor loaded plus a short fingerprint of every edited field's
   value at that moment (signed, so it cannot be mangled by accident).
2. The save service calls ``claim_version(instance, expected)`` inside its
   transaction: one conditional ``UPDATE … SET version = version + 1 WHERE
   version = expected``. Zero rows updated means someone else saved first:
   ``VersionConflict`` is raised and nothing is written.
3. The view catches it and calls ``form.reject_stale(current)``: the form
   comes back with what this editor typed, a message that names the fields
   the other person changed (with their new values), and a fresh token, so
   saving again is a conscious choice to overwrite.

For the API: ``etag_for(instance)`` gives the ``ETag`` header, and
``expected_version_from(request)`` reads ``If-Match``; a mismatch answers
412 Precondition Failed (see ``PreconditionFailed``).
"""

import hashlib
import json

from django import forms
from django.core import signing
from django.db import models
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status

SIGNING_SALT = "kennisschakel.versioning"
EMPTY = "—"


class VersionedModel(models.Model):
    """Abstract base: an integer that every save through ``claim_version`` raises by one."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class VersionConflict(Exception):
    """Someone else saved the object after this editor loaded it."""

    def __init__(self, instance, expected: int, current: int):
        self.instance = instance
        self.expected = expected
        self.current = current
        super().__init__(f"{type(instance).__name__} {instance.pk}: version {expected} ≠ {current}")


def claim_version(instance: models.Model, expected: int | None = None) -> int:
    """Raise the stored version by one, if it still is ``expected``; return the new version.

    Call inside ``transaction.atomic()`` before writing the object: the
    conditional UPDATE also locks the row until the transaction ends, so two
    saves of the same version can never both win. ``expected=None`` means the
    caller does not check (a status change, a script): the version is raised
    anyway so editors who loaded the old one are warned.
    """
    manager = type(instance)._default_manager
    rows = manager.filter(pk=instance.pk)
    if expected is not None:
        updated = rows.filter(version=expected).update(version=F("version") + 1)
        if not updated:
            current = rows.values_list("version", flat=True).first()
            if current is None:
                # Deleted by someone else meanwhile: nothing left to save into.
                raise Http404(_("This item was deleted by someone else in the meantime."))
            raise VersionConflict(instance, expected, current)
        instance.version = expected + 1
        return instance.version
    rows.update(version=F("version") + 1)
    instance.version = rows.values_list("version", flat=True).get()
    return instance.version


# --- field values: fingerprints (in the token) and readable values (in messages) ---


def _raw_value(instance, name: str):
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(o.pk for o in getattr(instance, name).all())
    return field.value_from_object(instance)


def fingerprint(value) -> str:
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")  # browsers send CRLF for what was stored as LF
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def display_value(instance, name: str) -> str:
    """The value as a person reads it: labels for choices, names for related objects."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        names = [str(o) for o in getattr(instance, name).all()]
        return ", ".join(names) or EMPTY
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")()) or EMPTY
    value = field.value_from_object(instance)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    if value in (None, ""):
        return EMPTY
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def make_token(instance, field_names) -> str:
    fields = {name: fingerprint(_raw_value(instance, name)) for name in field_names}
    return signing.dumps({"v": instance.version, "f": fields}, salt=SIGNING_SALT, compress=True)


def read_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        return None
    return data


def changed_fields(instance, loaded: dict) -> list[str]:
    """Names of the fields whose stored value differs from the one the editor loaded."""
    return [
        name for name, print_ in loaded.items() if fingerprint(_raw_value(instance, name)) != print_
    ]


class VersionedFormMixin:
    """Hidden version token for a ModelForm; see the module docstring for the flow.

    ``versioned_fields`` lists the fields named in a conflict message (default:
    the form's ``Meta.fields``). A form posted without a token is not checked
    (old clients, scripts); a token that cannot be read is a form error.
    """

    versioned_fields: list[str] | None = None  # default: every form field that is a model field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version_token"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk is not None:
            self.initial["version_token"] = make_token(self.instance, self._versioned_names())

    def _versioned_names(self) -> list[str]:
        names = self.versioned_fields or [n for n in self.fields if n != "version_token"]
        model_fields = {f.name for f in self.instance._meta.get_fields() if f.concrete}
        return [n for n in names if n in model_fields]

    def clean_version_token(self):
        token = self.cleaned_data.get("version_token") or ""
        if token and read_token(token) is None:
            raise forms.ValidationError(
                _("This form is damaged or too old. Open the page again and repeat your changes.")
            )
        return token

    @property
    def expected_version(self) -> int | None:
        """The version this editor loaded, or None when the form carried none."""
        data = read_token(self.cleaned_data.get("version_token") or "")
        return data["v"] if data else None

    def reject_stale(self, current) -> list[tuple[str, str]]:
        """Explain a conflict on the form, keep what this editor typed, offer a fresh token.

        ``current`` is the object as now stored. Fields only the other person
        changed now show their new value (so saving again does not undo their
        work); fields this editor changed keep what they typed. Returns
        (label, new value) per field the other person changed.
        """
        loaded = (read_token(self.cleaned_data.get("version_token") or "") or {"f": {}})["f"]
        theirs = changed_fields(current, loaded)
        data = self.data.copy()
        for name in theirs:
            if name in self.fields and fingerprint(self._typed_value(name)) == loaded[name]:
                self._put_value(data, name, _raw_value(current, name))
        data[self.add_prefix("version_token")] = make_token(current, self._versioned_names())
        self.data = data
        changes = [(str(self._label(current, n)), display_value(current, n)) for n in theirs]
        self.add_error(None, conflict_message(changes))
        return changes

    def _typed_value(self, name: str):
        """What this editor submitted, in the shape ``_raw_value`` gives for stored objects."""
        field = self.instance._meta.get_field(name)
        if field.many_to_many:
            return sorted(o.pk for o in self.cleaned_data.get(name) or [])
        # After validation a ModelForm's instance holds the submitted values.
        return field.value_from_object(self.instance)

    def _put_value(self, data, name: str, value) -> None:
        key = self.add_prefix(name)
        if getattr(self.fields[name].widget, "allow_multiple_selected", False):
            data.setlist(key, [str(v) for v in value or []])
        else:
            prepared = self.fields[name].prepare_value(value)
            data[key] = "" if prepared is None else str(prepared)

    def _label(self, instance, name: str) -> str:
        if name in self.fields and self.fields[name].label:
            return self.fields[name].label
        return instance._meta.get_field(name).verbose_name


def conflict_message(changes: list[tuple[str, str]]) -> str:
    intro = _(
        "Someone else saved this page after you opened it, so your changes have not been saved "
        "yet. What you typed is still in the form below."
    )
    merged = _(
        "Fields you did not change now show their new value; where you both changed a field, "
        "the form shows yours."
    )
    if changes:
        listed = "; ".join(f"{label}: “{value}”" for label, value in changes)
        what = _("They changed: %(changes)s.") % {"changes": listed}
    else:
        what = _("They changed nothing that this form shows.")
    advice = _("Check your changes against theirs and save again to keep yours.")
    return f"{intro} {what} {merged} {advice}"


# --- the API side: ETag / If-Match (Dutch API Design Rules allow conditional requests) ---


def etag_for(instance) -> str:
    return f'"{instance.version}"'


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "Someone else changed this object after you read it. Read it again (the ETag "
        "header gives its current version) and repeat your change."
    )
    default_code = "precondition_failed"


def expected_version_from(request, body_version=None) -> int | None:
    """The version a client says it changes: from ``If-Match: "3"`` or a ``version`` field.

    No header and no field: None (not checked). A header that is no version of
    ours cannot match, so it is a failed precondition, as HTTP prescribes.
    """
    header = request.headers.get("If-Match", "").strip()
    if header:
        if header == "*":
            return None
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit() or len(value) > 12:
            raise PreconditionFailed()
        return int(value)
    if body_version is not None:
        return int(body_version)
    return None
