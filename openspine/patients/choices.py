from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Chinese")
    EN = "en", _("English")


class DischargeDestination(models.TextChoices):
    HOME = "home", _("Home")
    REHABILITATION = "rehabilitation", _("Rehabilitation unit")
    OTHER_HOSPITAL = "other_hospital", _("Another hospital")
    NURSING_FACILITY = "nursing_facility", _("Nursing facility")
    DIED = "died", _("Died in hospital")
    OTHER = "other", _("Other")


class DiseaseArea(models.TextChoices):
    """The department's disease areas; follow-up protocols and outcome reports are set per area."""

    LUMBAR_DEGENERATIVE = "lumbar_degenerative", _("Lumbar degenerative")
    CERVICAL_DEGENERATIVE = "cervical_degenerative", _("Cervical degenerative")
    THORACIC_DEGENERATIVE = "thoracic_degenerative", _("Thoracic degenerative")
    SPINAL_CORD_INJURY = "spinal_cord_injury", _("Spinal cord injury")
    DEFORMITY = "deformity", _("Deformity")
    PRIMARY_TUMOUR = "primary_tumour", _("Primary tumour")
    METASTATIC_TUMOUR = "metastatic_tumour", _("Metastatic tumour")
    INFECTION = "infection", _("Spinal tuberculosis / infection")
    OSTEOPOROTIC_FRACTURE = "osteoporotic_fracture", _("Osteoporotic fracture")
    TRAUMA = "trauma", _("Trauma")
    OTHER = "other", _("Other")


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BILATERAL = "bilateral", _("Bilateral")
    CENTRAL = "central", _("Central")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ConsentKind(models.TextChoices):
    """The separate consents PIPL asks for (Art. 29: separate consent for sensitive data)."""

    TREATMENT_PROCESSING = "treatment_processing", _("Processing for treatment")
    FOLLOW_UP_CONTACT = "follow_up_contact", _("Follow-up contact")
    RESEARCH_USE = "research_use", _("Research use")


class ConsentChannel(models.TextChoices):
    """How the patient gave or withdrew the consent."""

    PAPER = "paper", _("Signed paper form")
    IN_PERSON = "in_person", _("In person, recorded by staff")
    PHONE = "phone", _("By phone")
    ELECTRONIC = "electronic", _("Electronically by the patient")
