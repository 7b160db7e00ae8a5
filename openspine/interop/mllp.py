"""MLLP over TCP: frames are 0x0B + message + 0x1C 0x0D (interop.md 4.3).

Each connection is served in its own thread; each frame is handed to
:func:`openspine.interop.hl7.receive_message`, which stages the message durably before the ACK is
written back, and the thread closes its database connection when the peer hangs up.
"""

import logging
import socketserver

from django.db import close_old_connections, connections

from openspine.interop import hl7

START, END = b"\x0b", b"\x1c\x0d"
MAX_FRAME = 4 * 1024 * 1024
logger = logging.getLogger(__name__)


def frame(message: str | bytes) -> bytes:
    """Wrap one message in an MLLP frame."""
    data = message.encode("utf-8") if isinstance(message, str) else message
    return START + data + END


class FrameReader:
    """Collect bytes from a socket and yield complete frames (bytes between start and end)."""

    def __init__(self):
        self.buffer = b""

    def feed(self, data: bytes) -> list[bytes]:
        self.buffer += data
        frames = []
        while True:
            start = self.buffer.find(START)
            end = self.buffer.find(END, start + 1) if start >= 0 else -1
            if start < 0 or end < 0:
                break
            frames.append(self.buffer[start + 1 : end])
            self.buffer = self.buffer[end + len(END) :]
        if len(self.buffer) > MAX_FRAME:
            raise ValueError("MLLP frame too long")
        return frames


class MLLPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        reader = FrameReader()
        try:
            while data := self.request.recv(65536):
                for message in reader.feed(data):
                    close_old_connections()
                    self.request.sendall(frame(hl7.receive_message(message)))
        except (ValueError, ConnectionError) as error:
            logger.warning("MLLP connection closed: %s", type(error).__name__)
        finally:
            connections.close_all()


class MLLPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(host: str, port: int) -> MLLPServer:
    """Return a bound, not yet serving, MLLP server (port 0 picks a free port)."""
    return MLLPServer((host, port), MLLPHandler)
