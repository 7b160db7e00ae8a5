"""Start, stop or query the project's own loopback Orthanc PACS (imaging.md §3.4; issue 14).

``start`` runs Debian's Orthanc with a private configuration under ``var/orthanc`` (DICOMweb on,
loopback only) and, with ``--load-demo``, files the synthetic demo films in it. It always says which
source the demo uses: ``PACS: Orthanc on 127.0.0.1:NNNN`` or ``no Orthanc installed: uploads only``.
``url`` prints the DICOMweb root for ``OPENSPINE_DICOMWEB_URL`` (nothing when Orthanc is not
running); ``stop`` ends the process ``start`` began, and only that one.
"""

from django.core.management.base import BaseCommand, CommandError

from openspine.demo import imaging_demo
from openspine.imaging import orthanc

UPLOADS_ONLY = "no Orthanc installed: uploads only"


class Command(BaseCommand):
    help = "Run the project's loopback Orthanc (DICOMweb) for the demo: start, stop, status or url."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("start", "stop", "status", "url"))
        parser.add_argument(
            "--port",
            type=int,
            default=orthanc.DEFAULT_PORT,
            help="Preferred loopback port (a free one is chosen if it is taken).",
        )
        parser.add_argument(
            "--load-demo",
            action="store_true",
            help="After start, file the synthetic demo films in Orthanc (idempotent).",
        )

    def handle(self, *args, action, port, load_demo, **options):
        if not 1 <= port <= 65535:
            raise CommandError(f"--port: {port} is not allowed; allowed: 1-65535.")
        if action == "url":
            running = orthanc.running()
            if running is not None:
                self.stdout.write(orthanc.dicomweb_url(running))
            return
        if action == "stop":
            stopped = orthanc.stop()
            self.stdout.write("Orthanc stopped." if stopped else "Orthanc was not running.")
            return
        if action == "status":
            running = orthanc.running()
            if running is not None:
                self.stdout.write(f"PACS: Orthanc on {orthanc.HOST}:{running}")
            elif orthanc.installation() is None:
                self.stdout.write(UPLOADS_ONLY)
            else:
                self.stdout.write("Orthanc is installed but not running: uploads only")
            return
        self._start(port, load_demo)

    def _start(self, port, load_demo):
        if orthanc.installation() is None:
            self.stdout.write(UPLOADS_ONLY)
            return
        try:
            running = orthanc.start(port=port)
        except orthanc.OrthancError as error:
            raise CommandError(f"{error}: uploads only") from None
        stored = 0
        if load_demo:
            patient = imaging_demo.demo_patient()
            for data in imaging_demo.pacs_films(patient) if patient else []:
                orthanc.store(running, data)
                stored += 1
        suffix = f" ({stored} synthetic demo films filed)" if load_demo else ""
        self.stdout.write(
            f"PACS: Orthanc on {orthanc.HOST}:{running}, DICOMweb {orthanc.dicomweb_url(running)}{suffix}"
        )
