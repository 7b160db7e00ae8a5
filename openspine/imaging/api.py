"""Films and measurements over JSON: the same access functions and services as the pages.

``POST /films/{id}/compute`` answers the values of the landmarks sent without saving; ``POST
/films/{id}/measurements`` saves the caller's reading. Both run :func:`services.compute_values`,
so the numbers equal those the viewer shows.
"""

from uuid import UUID

from ninja import Router, Status

from openspine.imaging import services
from openspine.imaging.access import get_film_for
from openspine.imaging.schemas import FilmOut, LandmarksIn, MeasurementOut, ValuesOut
from openspine.patients.access import get_patient_for

router = Router(tags=["imaging"])
LIST_LIMIT = 200


@router.get("/patients/{public_id}/films", response=list[FilmOut])
def list_films(request, public_id: UUID):
    """List a patient's films with their measurements, newest first (max 200)."""
    patient = get_patient_for(request.user, public_id)
    return list(patient.films.select_related("patient")[:LIST_LIMIT])


@router.get("/films/{public_id}", response=FilmOut)
def get_film(request, public_id: UUID):
    return get_film_for(request.user, public_id)


@router.post("/films/{public_id}/compute", response=ValuesOut)
def compute_film_values(request, public_id: UUID, payload: LandmarksIn):
    """Answer the values of the landmarks (original image pixels, y down); nothing is saved."""
    film = get_film_for(request.user, public_id, action="measure")
    return services.compute_values(
        film,
        payload.landmarks,
        tk_upper_level=payload.tk_upper_level,
        calibration_mm=payload.calibration_mm,
        column_direction=payload.column_direction,
    )


@router.post("/films/{public_id}/measurements", response={201: MeasurementOut})
def save_film_measurement(request, public_id: UUID, payload: LandmarksIn):
    """Save the caller's reading of the film (first reader primary, another reader second)."""
    film = get_film_for(request.user, public_id, action="measure")
    record = services.save_measurement(
        film,
        payload.landmarks,
        actor=request.user,
        inverted=payload.inverted,
        tk_upper_level=payload.tk_upper_level,
        calibration_mm=payload.calibration_mm,
        column_direction=payload.column_direction,
    )
    return Status(201, record)
