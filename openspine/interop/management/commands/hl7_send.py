import socket
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openspine.interop.mllp import FrameReader, frame


class Command(BaseCommand):
    help = "Send the HL7 v2 messages of a file (one segment per line) to an MLLP listener; print each ACK."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Messages, each starting with an MSH line.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2575)

    def handle(self, *args, file, host, port, **options):
        messages = split_messages(Path(file).read_bytes())
        if not messages:
            raise CommandError("The file holds no message (no line starts with MSH).")
        reader = FrameReader()
        with socket.create_connection((host, port), timeout=30) as conn:
            for message in messages:
                conn.sendall(frame(message))
                acks = []
                while not acks:
                    data = conn.recv(65536)
                    if not data:
                        raise CommandError("The listener closed the connection.")
                    acks = reader.feed(data)
                msa = [s for s in acks[0].decode("utf-8", "replace").split("\r") if s.startswith("MSA")]
                self.stdout.write(msa[0] if msa else "no MSA in the reply")
        return None


def split_messages(content: bytes) -> list[bytes]:
    """Split a file into messages: a new message starts at each MSH line; segments end with CR."""
    messages, current = [], []
    for line in content.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n"):
        if not line.strip():
            continue
        if line.startswith(b"MSH"):
            if current:
                messages.append(b"\r".join(current) + b"\r")
            current = [line]
        elif current:  # anything before the first MSH is not part of a message
            current.append(line)
    if current:
        messages.append(b"\r".join(current) + b"\r")
    return messages
