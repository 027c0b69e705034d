"""Models of the core app live in the modules of their job; Django finds them here."""

from kennisschakel.core.background.models import OutgoingEmail  # noqa: F401
from kennisschakel.core.visits import LastVisit  # noqa: F401
