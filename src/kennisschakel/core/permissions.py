"""Roles and object-level permissions, in one place for the HTML views and the API.

Each model that users may change registers a rule: a function
``(user, obj) -> bool``. :func:`can_edit` looks the rule up; models without a
rule can be changed only by facilitators. Each app adds its rules with
:func:`edit_rule` in its ``rules.py``, imported from its ``AppConfig.ready()``.

The registry lives in ``core`` (which knows no app) so that every app can register
into it without depending on ``accounts``; ``accounts`` keeps users, login and
tokens, and its ``User.role`` takes its choices from :class:`Role` here. The rules
only read ``user.role``, ``user.organisation_id``, ``user.is_facilitator`` and the
usual ``is_authenticated``/``is_active``.
"""

from collections.abc import Callable

from django.db import models
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class Role(models.TextChoices):
    """What a user may do; ordered from least to most."""

    READER = "reader", _("reader")
    CONTRIBUTOR = "contributor", _("contributor")
    COORDINATOR = "coordinator", _("coordinator")
    FACILITATOR = "facilitator", _("facilitator")


EditRule = Callable[[object, Model], bool]
_edit_rules: dict[type, EditRule] = {}
_create_roles: dict[type, set[str]] = {}

CONTENT_ROLES = {Role.CONTRIBUTOR, Role.COORDINATOR, Role.FACILITATOR}


def edit_rule(model: type) -> Callable[[EditRule], EditRule]:
    def register(rule: EditRule) -> EditRule:
        _edit_rules[model] = rule
        return rule

    return register


def allow_create(model: type, roles: set[str]) -> None:
    _create_roles[model] = set(roles)


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_edit(user, obj: Model) -> bool:
    if not is_active_user(user):
        return False
    if user.is_facilitator:
        return True
    rule = _edit_rules.get(type(obj))
    return bool(rule and rule(user, obj))


def can_create(user, model: type) -> bool:
    if not is_active_user(user):
        return False
    if user.is_facilitator:
        return True
    return user.role in _create_roles.get(model, set())


def belongs_to(user, organisation_id: int | None) -> bool:
    """True when a contributor (or coordinator) acts for this organisation."""
    return (
        organisation_id is not None
        and user.organisation_id == organisation_id
        and user.role in CONTENT_ROLES
    )


class ReadOnlyOrObjectEditor(permissions.BasePermission):
    """API: everyone may read; writing goes through :func:`can_edit` / :func:`can_create`."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not is_active_user(request.user):
            return False
        if request.method == "POST":
            model = getattr(getattr(view, "queryset", None), "model", None)
            return model is not None and can_create(request.user, model)
        return True  # object-level check follows in has_object_permission

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit(request.user, obj)
