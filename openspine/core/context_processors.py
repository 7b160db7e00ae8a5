from django.conf import settings


def site(request):
    """Expose the hospital name and the environment to every template."""
    return {"HOSPITAL_NAME": settings.HOSPITAL_NAME, "OPENSPINE_ENV": settings.ENVIRONMENT}
