"""Synthetic radiographs for the demo (issue 14): never real films.

One operated patient gets a pre-operative standing lateral and PA film (measured by the demo
surgeon, the lateral also by the resident, so the agreement page has a pair) and a post-operative
lateral film left unmeasured for the visitor to click. Films are synthetic DICOM with known
geometry (``openspine.imaging.synthetic``). Idempotent: a patient who has films is left alone.
"""

from datetime import timedelta

from openspine.accounts.models import User
from openspine.imaging import services, synthetic
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
