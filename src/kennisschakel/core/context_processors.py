from django.conf import settings


def site(request):
    return {"oidc_enabled": getattr(settings, "OIDC_ENABLED", False)}
