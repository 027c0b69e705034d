"""Admin pages of the core app live with their models; importing registers them."""

from kennisschakel.core.background import admin as background_admin  # noqa: F401
