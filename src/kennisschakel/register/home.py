"""The register on the home page (core/home.py): its size, as one small line.

Registered in ``RegisterConfig.ready``; ``core/home.html`` shows ``register_counts``.
"""

from kennisschakel.core.home import Contribution, register
from kennisschakel.register.models import ForeignPlace, Municipality


def context() -> dict:
    return {
        "register_counts": {
            "municipalities": Municipality.objects.count(),
            "places": ForeignPlace.objects.count(),
        }
    }


def register_contribution() -> None:
    register(Contribution("register", 90, context=context))
