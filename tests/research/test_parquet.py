"""Parquet export: partitioned by year and disease area, labels and codebook survive a round trip."""

import io
import zipfile

import pyarrow.parquet as pq
import pytest

from openspine.research import services
from openspine.research.choices import ExportFormat, ExportLayout, ExportStatus
from openspine.research.export import parquet
from tests.research.conftest import LUMBAR_FUSIONS_12M_ODI, make_study, make_subject


@pytest.fixture
def run(surgeon, researcher, today):
    make_subject(surgeon)
    make_subject(surgeon, birth_date=__import__("datetime").date(1930, 1, 1))
    study = make_study(researcher)
    version = services.save_cohort(study.project, LUMBAR_FUSIONS_12M_ODI, actor=researcher, name="Fusions")
    run = services.request_export(
        version, actor=researcher, purpose="x", layout=ExportLayout.REDCAP, export_format=ExportFormat.PARQUET
    )
    return services.execute_export(run)


def test_parquet_roundtrip_keeps_labels_and_codebook_metadata(run, tmp_path):
    assert run.status == ExportStatus.DONE, run.message
    with run.file.open("rb") as handle:
        zipfile.ZipFile(io.BytesIO(handle.read())).extractall(tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "long").rglob("*.parquet"))
    assert files == ["long/index_year=2025/disease_area=lumbar_degenerative/part-0.parquet"]
    assert set(run.manifest["sha256"]) >= {files[0], "redcap_records.csv", "codebook.csv"}
    table = pq.read_table(tmp_path / "long", partitioning="hive")
    assert table.num_rows == 8 == run.manifest["row_counts"]["long/*.parquet"]
    assert set(table.column("age_at_index").to_pylist()) == {"64", "90+"}
    assert table.column("index_year").to_pylist()[0] == 2025
    schema = pq.read_schema(tmp_path / files[0])
    assert schema.field("total").metadata[b"label"].startswith(b"Total score")
    assert b"codebook" in schema.metadata and "index_year" not in schema.names
    readme = (tmp_path / "README.txt").read_text()
    assert "read_parquet('long/*/*/*.parquet', hive_partitioning = true)" in readme


def test_partitions_flush_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "BATCH", 2)
    columns = ("subject_id", "index_year", "disease_area", "total")
    monkeypatch.setitem(parquet.TYPES, "subject_id", parquet.pa.string())
    schema = parquet.pa.schema(
        [parquet.pa.field("subject_id", parquet.pa.string()), parquet.pa.field("total", parquet.pa.float64())]
    )
    writer = parquet.PartitionedWriter(tmp_path, columns, schema)
    for n in range(5):
        writer.add((f"S{n}", 2024 + n % 2, "trauma", float(n)))
    files = writer.close()
    assert len(files) == 2
    metadata = pq.ParquetFile(files[0]).metadata
    assert metadata.num_rows == 3 and metadata.num_row_groups == 2  # 2 + 1: a row group per batch
