# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared base of the jwtpizza.cloud modules.

This file is private to this collection (the leading underscore says so, as in
community.docker): its interface may change without notice and other
collections must not import it.

It gives every module of the collection:

- ``JwtPizzaModule``: ``AnsibleAWSModule`` whose clients name this collection
  in the user agent;
- ``aws_call``: a decorator for the small typed functions that wrap exactly
  one boto3 call each.  It retries throttling and transient errors with
  jittered backoff, turns "not found" error codes into ``None``, and turns
  every other ``ClientError``/``BotoCoreError`` into one typed
  ``JwtPizzaAWSError`` that ``JwtPizzaModule.run`` reports;
- ``wait_for``: one polling helper with a timeout, whose failure names the
  cause (validation status, service events, ...) instead of only "timed out";
- ``diff_owned``: compares only the fields a module owns.
"""

from __future__ import annotations

import functools
import time

try:
    import botocore
    from botocore.config import Config
except ImportError:
    pass  # AnsibleAWSModule reports the missing library.

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

COLLECTION_NAME = "jwtpizza.cloud"
COLLECTION_VERSION = "0.1.0"
USER_AGENT_EXTRA = f"{COLLECTION_NAME}/{COLLECTION_VERSION}"

# Error codes that mean "try again later" beyond those AWSRetry already knows.
RETRY_CODES = (
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "PriorRequestNotComplete",
    "ServiceUnavailable",
    "SlowDown",
)


class JwtPizzaAWSError(AnsibleAWSError):
    """The one exception a module's AWS helpers raise; ``main()`` catches it."""


class JwtPizzaTimeout(JwtPizzaAWSError):
    """A wait ran out of time; the message names what was still missing."""


def error_code(exc):
    """The AWS error code of a botocore ClientError (or of the one a JwtPizzaAWSError wraps)."""
    if isinstance(exc, AnsibleAWSError):
        exc = exc.exception
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


def aws_call(description, missing=(), retries=8, delay=1.0, max_delay=20.0):
    """Decorate a function that makes one boto3 call.

    description: what the call does, as in "Failed to <description>".
    missing: error codes meaning the resource does not exist; the function then
        returns None instead of raising.
    retries: attempts in all (the first included) for throttling and transient server errors,
        which are retried with jittered backoff between delay and max_delay seconds.
    """
    missing = tuple(missing)
    backoff = AWSRetry.jittered_backoff(
        retries=retries, delay=delay, max_delay=max_delay, catch_extra_error_codes=list(RETRY_CODES)
    )

    def decorator(func):
        retried = backoff(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return retried(*args, **kwargs)
            except botocore.exceptions.ClientError as exc:
                if missing and error_code(exc) in missing:
                    return None
                raise JwtPizzaAWSError(message=f"Failed to {description}", exception=exc) from exc
            except botocore.exceptions.BotoCoreError as exc:
                raise JwtPizzaAWSError(message=f"Failed to {description}", exception=exc) from exc

        return wrapper

    return decorator


def wait_for(probe, timeout, delay, what, explain=None, sleep=time.sleep, clock=time.monotonic):
    """Poll ``probe()`` until it returns ``(True, value)``; return that value.

    probe: callable returning (done, value); it is called at least once.
    timeout: seconds in all; delay: seconds between two probes.
    what: the awaited condition, for the error ("certificate example.com to be ISSUED").
    explain: callable(value) -> str describing the last state seen, so that a
        timeout names its cause.
    Raises JwtPizzaTimeout when the time is up.
    """
    deadline = clock() + timeout
    while True:
        done, value = probe()
        if done:
            return value
        remaining = deadline - clock()
        if remaining <= 0:
            cause = explain(value) if explain else f"last state: {value!r}"
            raise JwtPizzaTimeout(message=f"Timed out after {timeout}s waiting for {what}; {cause}")
        sleep(min(delay, remaining))


def diff_owned(desired, current, fields):
    """Return {field: {"before": current, "after": desired}} for owned fields that differ.

    Fields absent from ``desired`` (None) are not owned by the caller and ignored;
    ``current`` must already be normalised (defaults filled where a read omits them).
    """
    changes = {}
    for field in fields:
        want = desired.get(field)
        if want is None:
            continue
        have = current.get(field) if current else None
        if want != have:
            changes[field] = {"before": have, "after": want}
    return changes


def state_option():
    """The ``state`` option every module of the collection has."""
    return {"state": dict(type="str", choices=["present", "absent"], default="present")}


def tag_options():
    """The ``tags``/``purge_tags`` options (documented by the amazon.aws.tags fragment)."""
    return {"tags": dict(type="dict", aliases=["resource_tags"]), "purge_tags": dict(type="bool", default=True)}


class JwtPizzaModule(AnsibleAWSModule):
    """AnsibleAWSModule whose clients name jwtpizza.cloud in the user agent."""

    def client(self, service, retry_decorator=None, **extra_params):
        config = Config(user_agent_extra=USER_AGENT_EXTRA)
        if extra_params.get("config") is not None:
            config = extra_params["config"].merge(config)
        extra_params["config"] = config
        return super().client(service, retry_decorator=retry_decorator, **extra_params)

    def run(self, action):
        """Call ``action()`` and exit with its result dict, or fail with the AWS error it raised."""
        try:
            result = action()
        except JwtPizzaAWSError as exc:
            if exc.exception is not None:
                self.fail_json_aws(exc.exception, msg=exc.message)
            self.fail_json(msg=exc.message)
        self.exit_json(**result)

    def run_state(self, manager):
        """Exit with ``manager.ensure_present()`` or ``manager.ensure_absent()``, as the state option says."""
        self.run(getattr(manager, f"ensure_{self.params['state']}"))
