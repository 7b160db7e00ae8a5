"""Radiographs on the patient timeline (registered in ``ImagingConfig.ready``)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from openspine.patients.timeline import Entry


def films(patient) -> Iterable[Entry]:
    """Yield one entry per film, linking to its viewer."""
    for film in patient.films.all():
        yield Entry(film.taken_on, "radiograph", _("Radiograph"), "imaging/partials/entry_film.html", film)
