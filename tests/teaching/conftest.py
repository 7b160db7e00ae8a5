from datetime import date

import pytest

from openspine.teaching.models import Trainee
from tests import builders


def enrol(user, *, started_on=date(2024, 9, 1), programme="guipei"):
    """Enrol ``user`` as a trainee (year 2 at the builders' operation dates in 2025-2026)."""
    return Trainee.objects.create(user=user, programme=programme, started_on=started_on)


@pytest.fixture
def trainee(resident):
    enrol(resident)
    return resident


@pytest.fixture
def junior(department):
    user = builders.make_user(role="resident", username="junior", department=department)
    enrol(user, started_on=date(2025, 9, 1))
    return user
