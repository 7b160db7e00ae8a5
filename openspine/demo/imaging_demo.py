"""Synthetic radiographs for the demo (issue 14): never real films.

One operated patient gets a pre-operative standing lateral and PA film (measured by the demo
surgeon, the lateral also by the resident, so the agreement page has a pair) and a post-operative
lateral film left unmeasured for the visitor to click. Films are synthetic DICOM with known
geometry (``openspine.imaging.synthetic``). Idempotent: a patient who has films is left alone.
"""

from datetime import timedelta

from openspine.accounts.models import User
from openspine.imaging import services, synthetic
from openspine.imaging.models import Film
from openspine.surgery.models import Operation


def seed_films(today) -> int:
    """Create the demo films; return how many were created (0 when they exist already)."""
    surgeon = User.objects.filter(username="surgeon").first()
    resident = User.objects.filter(username="resident").first()
    operation = (
        Operation.objects.filter(performed_on__lte=today - timedelta(days=120))
        .select_related("patient")
        .order_by("patient__mrn", "performed_on")
        .first()
    )
    if surgeon is None or operation is None or operation.patient.films.exists():
        return 0
    patient = operation.patient
    before, after = operation.performed_on - timedelta(days=7), operation.performed_on + timedelta(days=90)
    pre_lateral = synthetic.lateral_film(ss=34.0, pt=26.0, ll=38.0, tk=28.0, sva=62.0)
    pre_pa = synthetic.pa_film(upper_tilt=18.0, lower_tilt=-16.0)
    post_lateral = synthetic.lateral_film(ss=40.0, pt=18.0, ll=55.0, tk=32.0, sva=22.0)
    films = [
        (pre_lateral, "standing_lateral", before, ("A", "F")),
        (pre_pa, "standing_pa", before, ("L", "F")),
        (post_lateral, "standing_lateral", after, ("A", "F")),
    ]
    created = []
    for data, view, day, orientation in films:
        dicom = synthetic.dicom_bytes(data.image, orientation=orientation, monochrome1=view == "standing_pa")
        created.append(
            services.add_film(patient, dicom, view=view, taken_on=day, operation=operation, actor=surgeon)
        )
    services.save_measurement(created[0], pre_lateral.landmarks, actor=surgeon)
    services.save_measurement(created[1], pre_pa.landmarks, actor=surgeon)
    if resident is not None:
        moved = dict(
            pre_lateral.landmarks, femoral_head_1=[v + 6 for v in pre_lateral.landmarks["femoral_head_1"]]
        )
        services.save_measurement(created[0], moved, actor=resident)
    return len(created)


def demo_patient():
    """Return the patient the demo films belong to (the first operated patient with films), or None."""
    film = Film.objects.select_related("patient").order_by("patient__mrn", "taken_on").first()
    return film.patient if film else None


def pacs_films(patient) -> list[bytes]:
    """Return the synthetic DICOM films the demo PACS holds for ``patient``, filed under their MRN.

    Two films the registry does not have yet (a later standing lateral and PA), so a surgeon can find
    and fetch them on the PACS page. Their UIDs derive from the MRN, so loading twice stores them once.
    """
    taken = patient.films.order_by("-taken_on").values_list("taken_on", flat=True).first()
    day = taken + timedelta(days=180) if taken else None
    lateral = synthetic.lateral_film(ss=41.0, pt=17.0, ll=56.0, tk=33.0, sva=18.0)
    pa = synthetic.pa_film(upper_tilt=10.0, lower_tilt=-9.0)
    return [
        synthetic.dicom_bytes(
            data.image,
            orientation=orientation,
            patient_id=patient.mrn,
            uid_seed=f"openspine-demo-pacs:{patient.mrn}:{view}",
            study_date=day,
        )
        for data, view, orientation in ((lateral, "lateral", ("A", "F")), (pa, "pa", ("L", "F")))
    ]
