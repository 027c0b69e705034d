"""Models of the core app live in the modules of their job; Django finds them here."""

from kennisschakel.core.background.models import OutgoingEmail  # noqa: F401
