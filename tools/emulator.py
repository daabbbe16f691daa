"""Start, stop and inspect the embedded AWS emulator (moto server).

The emulator is one Python process (moto's ThreadedMotoServer, no reloader, no
children), started in its own session so that an interrupted ``make`` does not
take it down half-way, and stopped by pid.  Its state lives in
``.emulator/<port>/`` (git-ignored): ``pid``, ``log``.

  tools/emulator.py start [--port N]    no-op when our emulator already runs there
  tools/emulator.py stop [--port N]     stops exactly the process we started
  tools/emulator.py stop --all          stops every emulator this checkout started
  tools/emulator.py status [--port N]
  tools/emulator.py reset [--port N]    empties the emulator (POST /moto-api/reset)

Settings come from the environment, each with a default suited to the stack:
  EMULATOR_PORT (5000), EMULATOR_HOST (127.0.0.1), EMULATOR_START_TIMEOUT (20),
  MOTO_ACM_VALIDATION_WAIT (2), MOTO_IAM_LOAD_MANAGED_POLICIES (true).

The server runs with the fidelity patches of tools/emulator_patches.py (moto made to behave as AWS
documents where the deploy flows depend on it: ECS deployments, circuit breaker and rollback, running
counts, kept service settings, CloudFront invalidation status).  Their settings, read by the server at
request time:
  EMULATOR_ECS_ROLLOUT_SECONDS (2)   how long a new ECS deployment is IN_PROGRESS before COMPLETED/FAILED
  EMULATOR_ECS_FAIL_IMAGE (fail)     a deployment fails when an image tag of its task definition starts
                                     with this (e.g. repo:fail-1); empty: no deployment fails
  EMULATOR_CLOUDFRONT_INVALIDATION_SECONDS (0)   how long a new invalidation is InProgress
MOTO_ECS_SERVICE_RUNNING no longer matters: running counts follow the deployments.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".emulator"
SERVER_DEFAULTS = {
    "MOTO_ACM_VALIDATION_WAIT": "2",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}
MARKER = "jwtpizza-emulator"


class EmulatorError(Exception):
    """A failure to report in one line, without a traceback."""


def _host() -> str:
    return os.environ.get("EMULATOR_HOST", "127.0.0.1")


def _state_dir(port: int) -> Path:
    return STATE / str(port)


def _read_pid(port: int) -> int | None:
    try:
        return int((_state_dir(port) / "pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _is_ours(pid: int, port: int) -> bool:
    """True when pid is alive and is the emulator this checkout started on port."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    args = [a.decode(errors="replace") for a in cmdline]
    return MARKER in args and f"--port={port}" in args and str(STATE) in " ".join(args)


def _answers(port: int, timeout: float = 1.0) -> bool:
    url = f"http://{_host()}:{port}/moto-api/config"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((_host(), port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def start(port: int) -> None:
    pid = _read_pid(port)
    if pid and _is_ours(pid, port):
        print(f"emulator already running on http://{_host()}:{port} (pid {pid})")
        return
    if not _port_free(port):
        raise EmulatorError(
            f"port {port} on {_host()} is in use by another process; "
            f"choose another with EMULATOR_PORT=<port>"
        )
    state = _state_dir(port)
    state.mkdir(parents=True, exist_ok=True)
    env = {**SERVER_DEFAULTS, **os.environ}
    log = (state / "log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, __file__, "serve", MARKER, f"--port={port}", f"--state={state}"],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    (state / "pid").write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + float(os.environ.get("EMULATOR_START_TIMEOUT", "20"))
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            (state / "pid").unlink(missing_ok=True)
            tail = (state / "log").read_text(errors="replace").splitlines()[-5:]
            raise EmulatorError(
                f"emulator exited with code {proc.returncode} during start; log {state / 'log'}:\n"
                + "\n".join(tail)
            )
        if _answers(port):
            print(f"emulator running on http://{_host()}:{port} (pid {proc.pid}, log {state / 'log'})")
            return
        time.sleep(0.1)
    _terminate(proc.pid)
    (state / "pid").unlink(missing_ok=True)
    raise EmulatorError(f"emulator did not answer on port {port} in time; log {state / 'log'}")


def _terminate(pid: int, grace: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def stop(port: int) -> None:
    pid = _read_pid(port)
    if pid is None:
        print(f"no emulator recorded on port {port}")
        return
    if _is_ours(pid, port):
        _terminate(pid)
        print(f"emulator on port {port} stopped (pid {pid})")
    else:
        print(f"emulator on port {port} was not running (stale pid {pid} removed)")
    (_state_dir(port) / "pid").unlink(missing_ok=True)


def stop_all() -> None:
    if not STATE.is_dir():
        return
    for entry in sorted(STATE.iterdir()):
        if entry.name.isdigit() and (entry / "pid").exists():
            stop(int(entry.name))


def status(port: int) -> int:
    pid = _read_pid(port)
    if pid and _is_ours(pid, port) and _answers(port):
        print(f"running on http://{_host()}:{port} (pid {pid})")
        return 0
    print(f"not running on port {port}")
    return 1


def reset(port: int) -> None:
    request = urllib.request.Request(f"http://{_host()}:{port}/moto-api/reset", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except (urllib.error.URLError, OSError) as exc:
        raise EmulatorError(f"cannot reset the emulator on port {port}: {exc}") from exc
    print(f"emulator on port {port} reset")


def serve(port: int) -> None:
    """Run the server, with the fidelity patches, in this process until SIGTERM/SIGINT."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    import emulator_patches  # beside this file: sys.path[0] when run as a script, tests put tools/ on the path

    emulator_patches.apply()
    server = ThreadedMotoServer(ip_address=_host(), port=port, verbose=False)
    server.start()
    print(f"serving on {_host()}:{port}", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    while not stopping:
        signal.pause()
    server.stop()


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"EMULATOR_PORT must be a number, got {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"EMULATOR_PORT must be 1-65535, got {port}")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop", "status", "reset", "serve"])
    parser.add_argument("marker", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=_port, default=None)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--all", action="store_true", help="with stop: every emulator of this checkout")
    args = parser.parse_args(argv)
    if args.port is None:
        try:
            args.port = _port(os.environ.get("EMULATOR_PORT", "5000"))
        except argparse.ArgumentTypeError as exc:
            parser.error(str(exc))
    try:
        if args.action == "start":
            start(args.port)
        elif args.action == "stop":
            stop_all() if args.all else stop(args.port)
        elif args.action == "status":
            return status(args.port)
        elif args.action == "reset":
            reset(args.port)
        else:
            serve(args.port)
    except EmulatorError as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
