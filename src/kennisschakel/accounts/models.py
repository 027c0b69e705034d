"""Users: a person with an email address who belongs to one organisation and has one role.

An email address is one identity whatever its case: it is stored normalised
(:func:`normalise_email`), and the database refuses a second account whose
address differs only in case. Login, the lock-out key, password reset and
single sign-on all look addresses up through the same normalisation.
"""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Role belongs to the permission registry (core/permissions.py); imported here for User.role
# and for everyone who imports it from this module.
from kennisschakel.core.permissions import Role


def normalise_email(value: str | None) -> str:
    """The one spelling of an address: no surrounding space, lower case throughout.

    Strictly, the part before the @ may be case-sensitive; no mail provider a
    municipality uses treats it so, and one person must not get two accounts
    (or two lock-out counters) by typing a capital.
    """
    return (value or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not normalise_email(email):
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.FACILITATOR)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=normalise_email(email))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "register.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Also holds for writes that skip save(): update(), bulk_create(), raw SQL.
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_case_insensitive_unique",
                violation_error_message=_("An account with this email address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean(self):
        super().clean()
        # Before the unique checks of full_clean(), so forms see a case variant as taken.
        self.email = normalise_email(self.email)

    def set_unusable_password(self):
        super().set_unusable_password()
        self._password_disabled = True

    def _password_replaced(self) -> bool:
        """True when this save stores a new password (set_password keeps the raw one in
        ``_password`` until the save; Django's silent rehash on login clears it first)."""
        return self._password is not None or getattr(self, "_password_disabled", False)

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        password_replaced = self._password_replaced() and not self._state.adding
        super().save(*args, **kwargs)
        self._password_disabled = False
        if password_replaced:
            # A changed or reset password ends every API token made with the old one.
            from kennisschakel.accounts.tokens import revoke_tokens

            revoke_tokens(self)

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and (self.role == Role.FACILITATOR or self.is_superuser)
