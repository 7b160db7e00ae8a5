from django.core.management.base import BaseCommand

from openspine.interop.mllp import make_server


class Command(BaseCommand):
    help = "Listen for HL7 v2 messages over MLLP, stage, apply and acknowledge each one."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=2575, help="TCP port (default 2575).")

    def handle(self, *args, host, port, **options):
        server = make_server(host, port)
        self.stdout.write(f"HL7 MLLP listener on {host}:{server.server_address[1]}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
