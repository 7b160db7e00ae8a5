"""Verify the audit trail: every event's MAC and link, stream by stream, against the anchored heads.

Reported, naming the event or the stream:

* an edited event, even with recomputed hashes (its MAC no longer verifies without the key);
* deleted, inserted or reordered events inside a stream (a broken link or a gap in ``seq``);
* the newest events deleted, or the table truncated (the stream holds fewer events than its anchor,
  or the anchored head is gone);
* a stream rewritten from some point on (the anchored seq no longer has the anchored hash);
* a forged or damaged anchor.

A stream with events but no anchor yet is noted, not an error: the anchor follows each commit and
lags behind when a commit's anchoring failed (logged) or before the first anchored write.
"""

from dataclasses import dataclass, field

from openspine.audit import anchor, chain
from openspine.audit.models import AuditEvent


@dataclass
class Verification:
    """The outcome of checking the trail: counts, problems (tampering) and notes (not errors)."""

    events: int = 0
    streams: int = 0
    anchored: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_trail(store: anchor.AnchorStore | None = None) -> Verification:
    """Check every stream of the audit trail and its anchor; return what was found."""
    store = store or anchor.get_store()
    result = Verification()
    in_database = set(AuditEvent.objects.order_by("stream").values_list("stream", flat=True).distinct())
    for stream in sorted(in_database | set(store.streams())):
        # The anchor is read before the events: a commit lands in the database before its anchor,
        # so events written meanwhile can only make the database longer than the anchor, never shorter.
        try:
            head = store.read(stream)
        except anchor.AnchorError as error:
            result.problems.append(f"stream {stream}: {error}")
            head = None
        _verify_stream(stream, head, result)
    return result


def _verify_stream(stream: int, head: anchor.Head | None, result: Verification) -> None:
    rows = (
        AuditEvent.objects.filter(stream=stream)
        .order_by("seq")
        .values(*chain.SEAL_FIELDS, *chain.CHAINED_FIELDS)
        .iterator(chunk_size=2000)
    )
    count, last_seq, last_hash, problem, hash_at_head = 0, 0, chain.GENESIS, None, None
    for row in rows:
        count += 1
        if problem is None:
            problem = chain.row_problem(row, expected_seq=last_seq + 1, expected_prev=last_hash)
        if head is not None and row["seq"] == head.seq:
            hash_at_head = row["hash"]
        last_seq, last_hash = row["seq"], row["hash"]
    result.events += count
    result.streams += 1 if count else 0
    if problem:
        result.problems.append(problem)
    if head is None:
        if count:
            result.notes.append(f"stream {stream}: {count} events, not anchored yet")
        return
    result.anchored += 1
    if count < head.count or last_seq < head.seq:
        held = f"{count} (last seq {last_seq})" if count else "none"
        cause = "the newest events were deleted" if count else "truncated, or all its events deleted"
        result.problems.append(
            f"stream {stream}: the anchor records {head.count} events up to seq {head.seq}, "
            f"the database holds {held}: {cause}"
        )
    elif hash_at_head != head.hash:
        result.problems.append(
            f"stream {stream}: event seq {head.seq} is not the anchored head: the stream was rewritten"
        )
