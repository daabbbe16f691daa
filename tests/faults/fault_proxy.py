"""A seeded fault-injecting HTTP proxy between AWS clients and the emulator (stdlib only).

  python tests/faults/fault_proxy.py --target http://127.0.0.1:5240 [--port 0] [--seed 1] [--rate 0.2]
                                     [--kinds throttle,server,drop] [--counts FILE]

Every request either goes on to the target unchanged, or - with probability ``--rate`` - is answered with a
fault instead, of one of ``--kinds``:

- ``throttle``: the service's own throttling error, in its protocol's shape (what botocore parses): JSON services
  (an ``X-Amz-Target`` header: ECS, ECR, logs, ACM, application-autoscaling, tagging) ``{"__type":
  "ThrottlingException"}`` 400; EC2 ``<Response><Errors><Error><Code>RequestLimitExceeded`` 400; the other query
  services (IAM, ELB, STS, RDS, ...) ``<ErrorResponse><Error><Code>Throttling`` 400; S3 ``<Error><Code>SlowDown``
  503; CloudFront and Route 53 ``<ErrorResponse><Error><Code>Throttling`` 400;
- ``server``: an internal error in the same shape, 500 ``InternalError``/``InternalFailure`` or 503
  ``ServiceUnavailable``;
- ``drop``: the connection is closed without an answer, BEFORE the request reaches the target (nothing happened);
- ``drop_after``: the request reaches the target, then the connection is closed without its answer - the client
  cannot know whether a write happened (not in the default kinds).

botocore's standard retry mode retries all of these (throttling codes, 5xx, closed connections).  The decision for
the n-th request is a function of (seed, n) only, so a run is reproducible when the requests come in one order
(Ansible's modules run one at a time).  The emulator's own API (``/moto-api/``) is never faulted.

Counts (requests, forwarded, faults by kind and by service, retries that followed a fault, highest botocore attempt
number seen) are printed as JSON on exit and written to ``--counts`` on every change.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import http.client
import json
import random
import re
import signal
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ("throttle", "server", "drop", "drop_after")
DEFAULT_KINDS = ("throttle", "server", "drop")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}
CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
ATTEMPT = re.compile(r"attempt=(\d+)")


def decide(seed, index, rate, kinds):
    """The fault kind for the index-th request (None: forward it); a pure function of its arguments."""
    rng = random.Random(f"{seed}:{index}")
    if rng.random() >= rate:
        return None
    return kinds[rng.randrange(len(kinds))]


def signing_service(headers, path):
    """The SigV4 service name of a request (its Authorization header, else a presigned URL's X-Amz-Credential)."""
    match = CREDENTIAL.search(headers.get("Authorization", ""))
    if match:
        return match.group(2)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    credential = query.get("X-Amz-Credential", [""])[0]
    parts = credential.split("/")
    return parts[3] if len(parts) == 5 else "s3"  # unsigned requests are S3's (public reads, presigned POSTs)


def protocol(service, headers):
    """json, ec2, query, s3 or rest-xml: the shape this request's errors take."""
    if headers.get("X-Amz-Target"):
        return "json"
    if service == "ec2":
        return "ec2"
    if service == "s3":
        return "s3"
    if service in ("cloudfront", "route53"):
        return "rest-xml"
    return "query"


def fault_response(proto, kind, variant=0):
    """(status, headers, body) of a throttling (kind "throttle") or server error (kind "server") in a protocol's shape.

    ``variant`` picks between the two server errors (0: 500 internal error, 1: 503 service unavailable).
    """
    request_id = "00000000-0000-4000-8000-000000000000"
    if kind == "throttle":
        status, code, message = 400, "Throttling", "Rate exceeded"
        if proto == "json":
            code = "ThrottlingException"
        elif proto == "ec2":
            code = "RequestLimitExceeded"
            message = "Request limit exceeded."
        elif proto == "s3":
            status, code, message = 503, "SlowDown", "Please reduce your request rate."
    else:
        status, code, message = (503, "ServiceUnavailable", "Service unavailable") if variant else (500, "InternalError", "Internal error")
        if proto in ("json", "query", "rest-xml") and not variant:
            code = "InternalFailure"
    if proto == "json":
        body = json.dumps({"__type": code, "message": message})
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id}
    elif proto == "ec2":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code>"
                f"<Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        headers = {"Content-Type": "text/xml"}
    elif proto == "s3":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>")
        headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id}
    else:
        body = (f"<?xml version=\"1.0\"?><ErrorResponse><Error><Type>{'Sender' if status < 500 else 'Receiver'}</Type>"
                f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        headers = {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}
    return status, headers, body.encode()


class Counts:
    """What the proxy did, safe to update from every handler thread."""

    def __init__(self, path=None):
        self.lock = threading.Lock()
        self.path = path
        self.requests = 0
        self.forwarded = 0
        self.faults = collections.Counter()
        self.by_service = collections.Counter()
        self.retried = 0  # faults followed by the same request again (the client retried it)
        self.max_attempt = 0
        self._pending = collections.Counter()

    def next_index(self):
        with self.lock:
            index = self.requests
            self.requests += 1
            return index

    def record(self, key, service, kind, attempt):
        with self.lock:
            self.max_attempt = max(self.max_attempt, attempt)
            if self._pending[key]:
                self._pending[key] -= 1
                self.retried += 1
            if kind is None:
                self.forwarded += 1
            else:
                self.faults[kind] += 1
                self.by_service[f"{service}:{kind}"] += 1
                self._pending[key] += 1
            self._write()

    def as_dict(self):
        return {
            "requests": self.requests,
            "forwarded": self.forwarded,
            "faults": sum(self.faults.values()),
            "faults_by_kind": dict(sorted(self.faults.items())),
            "faults_by_service": dict(sorted(self.by_service.items())),
            "retried_after_fault": self.retried,
            "max_attempt": self.max_attempt,
        }

    def _write(self):
        if self.path:
            with open(self.path, "w", encoding="utf-8") as stream:
                json.dump(self.as_dict(), stream, indent=2)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and "Expect: 100-continue" answered as botocore expects for S3 uploads
    server_version = "fault-proxy"

    def log_message(self, *args):
        pass

    def _body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _handle(self):
        server = self.server
        body = self._body()
        service = signing_service(self.headers, self.path)
        kind, index = None, -1
        if not self.path.startswith("/moto-api/"):
            index = server.counts.next_index()
            kind = decide(server.seed, index, server.rate, server.kinds)
        key = (self.command, self.path, self.headers.get("X-Amz-Target", ""), hashlib.sha256(body).hexdigest())
        match = ATTEMPT.search(self.headers.get("amz-sdk-request", ""))
        if not self.path.startswith("/moto-api/"):
            server.counts.record(key, service, kind, int(match.group(1)) if match else 1)
        if kind == "drop":
            return self._drop()
        if kind in ("throttle", "server"):
            variant = random.Random(f"{server.seed}:{index}:variant").randrange(2)
            return self._answer(*fault_response(protocol(service, self.headers), kind, variant))
        status, headers, content = self._forward(body)
        if kind == "drop_after":
            return self._drop()
        return self._answer(status, headers, content)

    def _forward(self, body):
        target = self.server.target
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "expect"}
            headers["Content-Length"] = str(len(body))
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            return response.status, [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP], content
        finally:
            connection.close()

    def _answer(self, status, headers, content):
        self.send_response(status)
        for name, value in headers.items() if isinstance(headers, dict) else headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def _drop(self):
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle


class FaultProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, target, port=0, seed=1, rate=0.2, kinds=DEFAULT_KINDS, counts_path=None):
        unknown = set(kinds) - set(KINDS)
        if unknown or not kinds:
            raise ValueError(f"kinds must be some of {', '.join(KINDS)}; got {', '.join(kinds)}")
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be between 0 and 1; got {rate}")
        super().__init__(("127.0.0.1", port), Handler)
        self.target = urllib.parse.urlsplit(target)
        self.seed, self.rate, self.kinds = seed, rate, tuple(kinds)
        self.counts = Counts(counts_path)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self):
        """Serve in a daemon thread; returns self (stop with shutdown())."""
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True, help="the emulator, e.g. http://127.0.0.1:5240")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--kinds", default=",".join(DEFAULT_KINDS), help=f"some of {','.join(KINDS)}")
    parser.add_argument("--counts", help="write the counts as JSON to this file")
    args = parser.parse_args(argv)
    proxy = FaultProxy(args.target, args.port, args.seed, args.rate, args.kinds.split(","), args.counts)
    print(f"fault proxy on {proxy.url} -> {args.target} (seed {args.seed}, rate {args.rate})", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=proxy.shutdown).start())
    with contextlib.suppress(KeyboardInterrupt):
        proxy.serve_forever()
    print(json.dumps(proxy.counts.as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
