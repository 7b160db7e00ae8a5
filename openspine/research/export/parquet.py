"""The long table as Parquet, partitioned by index year and disease area (research-export.md section 6).

Files follow the Hive layout ``long/index_year=2025/disease_area=lumbar_degenerative/part-0.parquet``
so DuckDB (``read_parquet('long/*/*/*.parquet', hive_partitioning = true)``) and Spark read the same
files. The partition columns live in the directory names only (Spark refuses a column that is in
both). Each partition has one ``pq.ParquetWriter`` opened once; rows are buffered per partition and
written as a record batch every :data:`BATCH` rows, so memory is bounded by partitions × batch,
whatever the number of rows. Variable labels ride in the field metadata and the codebook JSON in
the schema metadata; both survive a round trip.
"""

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from openspine.research.export.codebook import VARIABLES

BATCH = 10_000
PARTITIONS = ("index_year", "disease_area")
CATEGORY = pa.dictionary(pa.int8(), pa.string())
TYPES = {
    "subject_id": pa.string(),
    "index_event_id": pa.string(),
    "age_at_index": pa.string(),
    "sex": CATEGORY,
    "timepoint": CATEGORY,
    "days_from_index": pa.int32(),
    "in_window": pa.bool_(),
    "instrument": CATEGORY,
    "instrument_version": pa.string(),
    "value_set": pa.string(),
    "language": CATEGORY,
    "mode": CATEGORY,
    "status": CATEGORY,
    "total": pa.float64(),
    "index_date_shifted": pa.string(),
    "collected_on_shifted": pa.string(),
}


def schema_for(columns, codebook: list[dict]) -> pa.Schema:
    """The file schema: every non-partition column with its English label; the codebook attached."""
    fields = [
        pa.field(name, TYPES[name], metadata={"label": str(VARIABLES[name][0])})
        for name in columns
        if name not in PARTITIONS
    ]
    return pa.schema(fields, metadata={"codebook": json.dumps(codebook, ensure_ascii=False)})


def _array(values, kind):
    # Text columns may hold numbers (an age, 64, beside "90+"): store them as their text.
    if kind == pa.string():
        values = [None if value is None else str(value) for value in values]
    return pa.array(values, type=kind)


class PartitionedWriter:
    """Write ``(columns tuple)`` rows into per-partition Parquet files under ``root``."""

    def __init__(self, root: Path, columns, schema: pa.Schema):
        self.root, self.columns, self.schema = Path(root), list(columns), schema
        self.keep = [n for n, name in enumerate(self.columns) if name not in PARTITIONS]
        self.part = [self.columns.index(name) for name in PARTITIONS]
        self.buffers: dict[tuple, list] = {}
        self.writers: dict[tuple, pq.ParquetWriter] = {}

    def add(self, row) -> None:
        key = tuple(row[n] for n in self.part)
        buffer = self.buffers.setdefault(key, [])
        buffer.append([row[n] for n in self.keep])
        if len(buffer) >= BATCH:
            self._flush(key)

    def _flush(self, key) -> None:
        rows = self.buffers.get(key)
        if not rows:
            return
        arrays = [_array([row[n] for row in rows], field.type) for n, field in enumerate(self.schema)]
        if key not in self.writers:
            folder = self.root.joinpath(
                *(f"{name}={value}" for name, value in zip(PARTITIONS, key, strict=True))
            )
            folder.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(folder / "part-0.parquet", self.schema, compression="zstd")
        self.writers[key].write_batch(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self.buffers[key] = []

    def close(self) -> list[Path]:
        """Flush every partition, close the files and return their paths in a stable order."""
        for key in sorted(self.buffers, key=str):
            self._flush(key)
        for writer in self.writers.values():
            writer.close()
        return sorted((p for p in self.root.rglob("*.parquet")), key=lambda p: str(p))


def relative_name(root: Path, path: Path) -> str:
    return "long/" + os.path.relpath(path, root).replace(os.sep, "/")
