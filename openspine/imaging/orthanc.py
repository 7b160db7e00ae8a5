"""A local Orthanc PACS for the demo and the tests, started and stopped by the project (imaging.md §3.4).

Debian's ``orthanc`` service does not start in a container, so the project runs the ``Orthanc``
binary itself with a private JSON configuration written under ``settings.VAR_DIR / "orthanc"``: its
own storage and index folders, the DICOMweb plugin enabled at ``/dicom-web/``, the DICOM (C-STORE)
server off, remote access refused (loopback only) and no authentication (imaging.md §3.4). The
process id and the URL are kept beside the configuration so ``stop`` ends exactly the process
``start`` began and nothing else.

Nothing here touches the registry database: films are sent to Orthanc over its REST API
(``POST /instances``), and the registry reads them back over DICOMweb like any PACS (:mod:`pacs`).
"""

import json
import os
import shutil
import signal
import socket
import subprocess  # nosec B404 - runs the Orthanc binary found on the PATH, no shell
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

BINARY_NAMES = ("Orthanc",)
BINARY_DIRS = ("/usr/sbin", "/usr/bin", "/usr/local/bin")
PLUGIN_PATHS = (
    "/usr/share/orthanc/plugins/libOrthancDicomWeb.so",
    "/usr/lib/orthanc/plugins/libOrthancDicomWeb.so",
)
DEFAULT_PORT = 8043
HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


class OrthancError(RuntimeError):
    """Orthanc could not be started, reached or stopped; the message says why."""


@dataclass(frozen=True)
class Installation:
    binary: str
    plugin: str


def installation() -> Installation | None:
    """Return the Orthanc binary and DICOMweb plugin, or None when either is not installed."""
    binary = shutil.which(BINARY_NAMES[0]) or next(
        (str(Path(d) / n) for d in BINARY_DIRS for n in BINARY_NAMES if (Path(d) / n).is_file()), None
    )
    plugin = next((p for p in PLUGIN_PATHS if Path(p).is_file()), None)
    if binary is None or plugin is None:
        return None
    return Installation(binary=binary, plugin=plugin)


def home(var_dir=None) -> Path:
    """Return the folder holding Orthanc's configuration, storage, log, pid and URL files."""
    return Path(var_dir or settings.VAR_DIR) / "orthanc"


def free_port(preferred: int = DEFAULT_PORT) -> int:
    """Return ``preferred`` if nothing listens on it on loopback, else a free port the kernel picks."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OrthancError("no free loopback port for Orthanc")  # pragma: no cover - port 0 always binds


def write_config(folder: Path, port: int, plugin: str) -> Path:
    """Write the private configuration of imaging.md §3.4 into ``folder`` and return its path."""
    (folder / "storage").mkdir(parents=True, exist_ok=True)
    config = {
        "Name": "OpenSpine local PACS",
        "StorageDirectory": str(folder / "storage"),
        "IndexDirectory": str(folder / "storage"),
        "HttpPort": port,
        "RemoteAccessAllowed": False,  # loopback only
        "AuthenticationEnabled": False,  # nothing but this machine can reach it
        "DicomServerEnabled": False,  # DICOMweb and REST only, no DICOM port opened
        "HttpsCACertificates": "",
        "Plugins": [plugin],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "Host": f"{HOST}:{port}", "Ssl": False},
    }
    path = folder / "config.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def base_url(port: int) -> str:
    return f"http://{HOST}:{port}"


def dicomweb_url(port: int) -> str:
    return base_url(port) + "/dicom-web"


def _get(url: str, timeout: float = 2.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - loopback URL we built  # nosec B310
        return answer.read()


def answers(port: int) -> bool:
    """Return whether an Orthanc answers ``GET /system`` on the loopback port."""
    try:
        return "ApiVersion" in json.loads(_get(base_url(port) + "/system"))
    except (OSError, ValueError):
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


def _is_ours(pid: int, config: Path) -> bool:
    # The pid file may be stale after a reboot: only a live Orthanc started with *our* config counts.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return _pid_alive(pid)
    return any(part.endswith(b"Orthanc") for part in cmdline) and str(config).encode() in cmdline


def running(var_dir=None) -> int | None:
    """Return the port of the Orthanc this project started under ``var_dir``, or None."""
    folder = home(var_dir)
    try:
        pid = int((folder / "orthanc.pid").read_text())
        port = int((folder / "port").read_text())
    except (OSError, ValueError):
        return None
    if _is_ours(pid, folder / "config.json") and answers(port):
        return port
    return None


def start(var_dir=None, port: int | None = None) -> int:
    """Start Orthanc (or find the one already started under ``var_dir``) and return its port.

    Raises OrthancError when it is not installed or does not answer within ``START_TIMEOUT_S``.
    """
    found = installation()
    if found is None:
        raise OrthancError("Orthanc is not installed (apt-get install -y orthanc orthanc-dicomweb)")
    already = running(var_dir)
    if already is not None:
        return already
    folder = home(var_dir)
    chosen = free_port(port or DEFAULT_PORT)
    config = write_config(folder, chosen, found.plugin)
    log = (folder / "orthanc.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell  # nosec B603
        [found.binary, str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # outlives the command that started it; stopped by pid
        cwd=folder,
    )
    log.close()
    (folder / "orthanc.pid").write_text(str(process.pid))
    (folder / "port").write_text(str(chosen))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OrthancError(
                f"Orthanc exited at start (code {process.returncode}); see {folder / 'orthanc.log'}"
            )
        if answers(chosen):
            return chosen
        time.sleep(0.2)
    _terminate(process.pid)
    raise OrthancError(f"Orthanc did not answer on port {chosen} in {START_TIMEOUT_S:.0f} s")


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            done, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not our child: poll for it to go
            done = 0 if _pid_alive(pid) else pid
        if done == pid or not _pid_alive(pid):
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)  # pragma: no cover - Orthanc stops on SIGTERM in well under 15 s


def stop(var_dir=None) -> bool:
    """Stop the Orthanc started under ``var_dir``; return whether one was running."""
    folder = home(var_dir)
    try:
        pid = int((folder / "orthanc.pid").read_text())
    except (OSError, ValueError):
        return False
    was_ours = _is_ours(pid, folder / "config.json")
    if was_ours:
        _terminate(pid)
    for name in ("orthanc.pid", "port"):
        (folder / name).unlink(missing_ok=True)
    return was_ours


def store(port: int, data: bytes) -> str:
    """Send one DICOM file to Orthanc (REST ``POST /instances``); return Orthanc's status word."""
    request = urllib.request.Request(  # noqa: S310 - loopback URL we built
        base_url(port) + "/instances", data=data, method="POST", headers={"Content-Type": "application/dicom"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  # nosec B310
            return str(json.loads(answer.read()).get("Status", ""))
    except urllib.error.URLError as error:
        raise OrthancError(f"Orthanc refused the file: {error}") from None
