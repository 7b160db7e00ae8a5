"""Anchor the head of each audit stream outside the database, so a shortened chain is detected.

A chain verifies link by link, so deleting its newest events, or emptying the table, leaves a valid
chain behind. After each committed audit write the services therefore record the stream's head (last
seq, its hash, the event count) in an *anchor store* that database access alone cannot reach;
``verify_audit`` then reports a stream whose anchored head is missing or whose count fell below the
anchor. Heads are HMAC-signed with the audit key (purpose ``audit-anchor``) and only ever move
forwards: a head at or below the stored one is ignored.

The store is an interface (:class:`AnchorStore`); :class:`FileAnchorStore` keeps one small JSON file
per stream in ``settings.AUDIT_ANCHOR_DIR``, replaced atomically (write, fsync, rename) under an
``flock``. In production point the directory at a mount that the database host and its
administrators cannot rewrite (another host, or a write-once/append-only volume): someone who can
restore an older anchor file can also hide the deletion of the events after it.
"""

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from openspine.core import crypto

PURPOSE = "audit-anchor"


@dataclass(frozen=True)
class Head:
    """The newest event of a stream as anchored: its seq and hash, and how many events the stream holds."""

    stream: int
    seq: int
    hash: str
    count: int


class AnchorError(Exception):
    """An anchor cannot be read or fails authentication (damaged, forged, or signed with an unknown key)."""


class AnchorStore(Protocol):
    """Where chain heads are kept, outside the database."""

    def advance(self, head: Head) -> bool:
        """Store ``head`` if it is newer than the stored one; return True if it was stored."""

    def read(self, stream: int) -> Head | None:
        """Return the anchored head of ``stream`` (None if never anchored); raise AnchorError if forged."""

    def streams(self) -> list[int]:
        """Return the streams that have an anchor."""


def _message(head: Head, key_id: str) -> bytes:
    return json.dumps({**asdict(head), "key_id": key_id}, sort_keys=True, separators=(",", ":")).encode()


class FileAnchorStore:
    """Keep one signed JSON file per stream in a directory, replaced atomically under a file lock."""

    def __init__(self, directory):
        self.directory = Path(directory)

    def _path(self, stream: int) -> Path:
        return self.directory / f"stream-{stream:04d}.json"

    @contextmanager
    def _locked(self, stream: int):
        # A separate lock file: the data file is replaced by rename, so a lock on it would be lost.
        with open(self.directory / f"stream-{stream:04d}.lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield

    def advance(self, head: Head) -> bool:
        """Store ``head`` unless the stored head is at or beyond it (anchors never move backwards)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._locked(head.stream):
            current = self.read(head.stream)  # a forged anchor raises and is left for verify_audit
            if current is not None and current.seq >= head.seq:
                return False
            self._replace(head)
        return True

    def _replace(self, head: Head) -> None:
        ring = crypto.mac_keyring()
        key_id = ring.primary.key_id
        mac = ring.mac(PURPOSE, _message(head, key_id), key_id=key_id)
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".stream-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump({**asdict(head), "key_id": key_id, "mac": mac}, file, sort_keys=True)
                file.flush()
                # The new head is on disk before it replaces the old one: a crash leaves one or the other.
                os.fsync(file.fileno())
            os.replace(temporary, self._path(head.stream))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, stream: int) -> Head | None:
        """Return the anchored head of ``stream``, None if there is none; raise AnchorError if forged."""
        try:
            data = json.loads(self._path(stream).read_text(encoding="utf-8"))
            head = Head(stream=data["stream"], seq=data["seq"], hash=data["hash"], count=data["count"])
            key_id, mac = data["key_id"], data["mac"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise AnchorError(f"the anchor of stream {stream} cannot be read") from error
        try:
            authentic = crypto.mac_keyring().verify(PURPOSE, _message(head, key_id), key_id=key_id, mac=mac)
        except crypto.UnknownKeyError:
            raise AnchorError(f"the anchor of stream {stream} is signed with unknown key {key_id!r}")
        if not authentic or head.stream != stream:
            raise AnchorError(f"the anchor of stream {stream} fails authentication: forged or damaged")
        return head

    def streams(self) -> list[int]:
        """Return the streams that have an anchor file."""
        return sorted(int(path.stem.split("-")[1]) for path in self.directory.glob("stream-*.json"))


def get_store() -> AnchorStore:
    """Return the configured anchor store (the file store in ``settings.AUDIT_ANCHOR_DIR``)."""
    return FileAnchorStore(settings.AUDIT_ANCHOR_DIR)
