"""API schemas of the research app: fields listed explicitly, never "all fields"."""

from datetime import date, datetime
from uuid import UUID

from ninja import Schema


class ProjectOut(Schema):
    public_id: UUID
    short_code: str
    title: str
    funder: str
    grant_number: str
    start_on: date
    end_on: date | None
    status: str
    has_dua: bool


class CohortVersionOut(Schema):
    number: int
    criteria: dict
    count_at_save: str
    approval: str
    created_at: datetime

    @staticmethod
    def resolve_approval(obj):
        return obj.approval.number

    @staticmethod
    def resolve_count_at_save(obj):
        from openspine.research.services import display_count

        return display_count(obj.count_at_save)


class CohortOut(Schema):
    public_id: UUID
    name: str
    project: str
    versions: list[CohortVersionOut]

    @staticmethod
    def resolve_project(obj):
        return obj.project.short_code

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.select_related("approval").order_by("-number"))


class CriteriaIn(Schema):
    criteria: dict


class CohortIn(Schema):
    name: str
    criteria: dict


class CountOut(Schema):
    count: str
