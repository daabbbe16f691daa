"""Count the AWS API calls a command makes, by service and operation: prints figures, asserts nothing.

  python tools/api_calls.py [--json FILE] -- ansible-playbook playbooks/site.yml

botocore's client-side monitoring (AWS_CSM_ENABLED) sends one UDP datagram per API call to 127.0.0.1; this
listens on a free loopback port, runs the command with AWS_CSM_ENABLED/AWS_CSM_PORT in its environment (every
module reads them, amazon.aws' and community.aws' included), and counts the calls (retries are separate
"ApiCallAttempt" datagrams and are not counted as calls).  It sees what the code sends, against the emulator
and against real AWS alike.  The exit status is the command's.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading


class Recorder:
    """A loopback UDP listener that collects botocore's client-side monitoring events."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.events: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)

    def _listen(self):
        while not self._stop.is_set():
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            with contextlib.suppress(ValueError):
                self.events.append(json.loads(data))

    def environment(self) -> dict:
        return {"AWS_CSM_ENABLED": "true", "AWS_CSM_PORT": str(self.port), "AWS_CSM_HOST": "127.0.0.1"}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        # Datagrams sent just before the command ended may still be in flight.
        self._stop.wait(0.5)
        self._stop.set()
        self._thread.join()
        self.sock.close()

    def calls(self) -> collections.Counter:
        """(service, operation) -> number of calls."""
        return collections.Counter((e.get("Service", "?"), e.get("Api", "?")) for e in self.events if e.get("Type") == "ApiCall")

    def attempts(self) -> int:
        return sum(1 for e in self.events if e.get("Type") == "ApiCallAttempt")


def summary(calls: collections.Counter) -> str:
    lines = []
    by_service = collections.Counter()
    for (service, _operation), count in calls.items():
        by_service[service] += count
    for service, total in sorted(by_service.items(), key=lambda item: (-item[1], item[0])):
        operations = ", ".join(f"{op} {n}" for (svc, op), n in sorted(calls.items()) if svc == service)
        lines.append(f"  {service:24s} {total:4d}  ({operations})")
    lines.append(f"  {'total':24s} {sum(calls.values()):4d}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="also write {service: {operation: count}} to this file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    with Recorder() as recorder:
        run = subprocess.run(command, env={**os.environ, **recorder.environment()}, check=False)
    calls = recorder.calls()
    print(f"AWS API calls of {' '.join(command)}: {sum(calls.values())} ({recorder.attempts()} attempts)")
    print(summary(calls))
    if args.json:
        nested: dict[str, dict[str, int]] = {}
        for (service, operation), count in calls.items():
            nested.setdefault(service, {})[operation] = count
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(nested, out, indent=2, sort_keys=True)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
