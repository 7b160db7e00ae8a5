"""The only way to load films and measurements from a URL or API id (STYLE.md section 6).

404 when the user may not know the film exists (another department); 403 when their role may not
do ``action``. A successful ``view`` records a ``viewed`` audit event; a refusal ``access.denied``.
"""

from openspine.imaging.models import Film, Measurement
from openspine.patients.access import load_for

FILM_CAPABILITY = {
    "view": "patient.view",
    "measure": "imaging.measure",  # place landmarks and save a reading
}
MEASUREMENT_CAPABILITY = {"view": "patient.view"}


def get_film_for(user, public_id, *, action: str = "view") -> Film:
    """Return the film with ``public_id`` if ``user`` may ``action`` it."""
    queryset = Film.objects.visible_to(user).select_related("patient", "operation", "follow_up")
    viewed = "imaging.film.viewed" if action == "view" else ""
    return load_for(user, queryset, public_id, capability=FILM_CAPABILITY[action], viewed=viewed)


def get_measurement_for(user, public_id, *, action: str = "view") -> Measurement:
    """Return the measurement with ``public_id`` if ``user`` may ``action`` it."""
    queryset = Measurement.objects.visible_to(user).select_related("film", "film__patient", "reader")
    viewed = "imaging.measurement.viewed" if action == "view" else ""
    return load_for(user, queryset, public_id, capability=MEASUREMENT_CAPABILITY[action], viewed=viewed)
