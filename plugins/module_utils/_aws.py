# -*- coding: utf-8 -*-

# Copyright: (c) 2026, jwtpizza.cloud developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared base of the jwtpizza.cloud modules.

This file is private to this collection (the leading underscore says so, as in
community.docker): its interface may change without notice and other
collections must not import it.

It gives every module of the collection:

- ``JwtPizzaModule``: ``AnsibleAWSModule`` whose clients name this collection
  in the user agent, whose ``run`` reports a ``JwtPizzaAWSError`` through
  amazon.aws's ``fail_json_aws_error``, and whose
  ``require_unless_check_mode`` is the one check of "required with
  state=present, but may be empty in check mode";
- one error handler per AWS service (``ACMErrors``, ``ECSErrors``, ...), built
  on amazon.aws's ``AWSErrorHandler``: each knows the error codes by which its
  service says "does not exist", and decorates the small typed functions that
  wrap exactly one boto3 call each.  The three decorators retry throttling and
  transient errors with ``AWSRetry.jittered_backoff`` and turn every other
  ``ClientError``/``BotoCoreError`` into one typed ``JwtPizzaAWSError``:

  - ``@ECSErrors.call("update the service")`` raises on every error;
  - ``@ECSErrors.lookup("describe the service")`` returns None (or
    ``default``) when the resource is missing;
  - ``@ECSErrors.delete("delete the service")`` returns False when the
    resource is already gone;

- ``wait_for``: one polling helper with a timeout, whose failure names the
  cause (validation status, service events, ...) instead of only "timed out";
- ``DiffTracker``: the one way a module builds ``--diff`` (after
  community.docker's ``DifferenceTracker``), and ``diff_owned``, which compares
  only the fields a module owns and may record them in a tracker.
"""

from __future__ import annotations

import functools
import time

try:
    from botocore.config import Config
except ImportError:
    Config = None  # AnsibleAWSModule reports the missing library.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
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
# Attempts in all (the first included), and the bounds of the jittered delay between two, in seconds.
RETRIES = 8
RETRY_DELAY = 1.0
RETRY_MAX_DELAY = 20.0


class JwtPizzaAWSError(AnsibleAWSError):
    """The one exception a module's AWS helpers raise; ``JwtPizzaModule.run`` reports it."""


class JwtPizzaTimeout(JwtPizzaAWSError):
    """A wait ran out of time; the message names what was still missing."""


def error_code(exc):
    """The AWS error code of a botocore ClientError (or of the one a JwtPizzaAWSError wraps)."""
    if isinstance(exc, AnsibleAWSError):
        exc = exc.exception
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


def retrying(retries=RETRIES, delay=RETRY_DELAY, max_delay=RETRY_MAX_DELAY):
    """The backoff every call decorator applies: AWSRetry.jittered_backoff with this collection's RETRY_CODES."""
    return AWSRetry.jittered_backoff(retries=retries, delay=delay, max_delay=max_delay, catch_extra_error_codes=list(RETRY_CODES))


class JwtPizzaErrors(AWSErrorHandler):
    """Base of the per-service error handlers: subclasses set MISSING, the codes meaning "does not exist".

    ``retries``/``delay``/``max_delay`` of each decorator are those of ``retrying``.
    """

    _CUSTOM_EXCEPTION = JwtPizzaAWSError
    MISSING = ()

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(cls.MISSING))

    @classmethod
    def is_missing(cls, exc):
        """Whether an error (botocore's or a JwtPizzaAWSError wrapping one) means "does not exist" for this service."""
        return bool(cls.MISSING) and error_code(exc) in cls.MISSING

    @classmethod
    def _decorate(cls, handler, retry):
        def decorator(func):
            return functools.wraps(func)(handler(retrying(**retry)(func)))

        return decorator

    @classmethod
    def call(cls, description, **retry):
        """Decorate a call that raises JwtPizzaAWSError("Failed to <description>") on every error."""
        return cls._decorate(cls.common_error_handler(description), retry)

    @classmethod
    def lookup(cls, description, default=None, **retry):
        """Decorate a read that returns ``default`` (None) when the resource is missing."""
        return cls._decorate(cls.list_error_handler(description, default), retry)

    @classmethod
    def delete(cls, description, **retry):
        """Decorate a delete that returns False when the resource is already gone."""
        return cls._decorate(cls.deletion_error_handler(description), retry)


class ACMErrors(JwtPizzaErrors):
    MISSING = ("ResourceNotFoundException",)


class Route53Errors(JwtPizzaErrors):
    MISSING = ("NoSuchHostedZone",)


class CloudFrontErrors(JwtPizzaErrors):
    MISSING = ("NoSuchDistribution", "NoSuchOriginAccessControl")


class ECSErrors(JwtPizzaErrors):
    """ECS's catch-all ClientException (bad parameters, no such task definition, ...) is NOT "missing".

    Describe-style reads (DescribeServices, DescribeClusters) answer a missing resource with an item of
    ``failures`` whose reason is MISSING, not with an error: see ``_ecs.found``.
    """

    MISSING = ("ClusterNotFoundException", "ServiceNotFoundException")


class ECRErrors(JwtPizzaErrors):
    MISSING = ("RepositoryNotFoundException", "ImageNotFoundException", "LifecyclePolicyNotFoundException")


class EC2Errors(JwtPizzaErrors):
    """EC2's "not found" codes of the resources this collection manages; Gateway.NotAttached means "already detached"."""

    MISSING = (
        "InvalidVpcID.NotFound",
        "InvalidSubnetID.NotFound",
        "InvalidInternetGatewayID.NotFound",
        "InvalidRouteTableID.NotFound",
        "InvalidRoute.NotFound",
        "InvalidAssociationID.NotFound",
        "Gateway.NotAttached",
        "InvalidGroup.NotFound",
        "InvalidPermission.NotFound",
    )


class ELBv2Errors(JwtPizzaErrors):
    MISSING = ("ListenerNotFound", "LoadBalancerNotFound", "TargetGroupNotFound")


class LogsErrors(JwtPizzaErrors):
    MISSING = ("ResourceNotFoundException",)


class S3Errors(JwtPizzaErrors):
    MISSING = ("NoSuchBucket", "NoSuchKey", "404")


class IAMErrors(JwtPizzaErrors):
    MISSING = ("NoSuchEntity",)


class ApplicationAutoScalingErrors(JwtPizzaErrors):
    MISSING = ("ObjectNotFoundException",)


class SecretsManagerErrors(JwtPizzaErrors):
    MISSING = ("ResourceNotFoundException",)


def wait_for(probe, timeout, delay, what, explain=None, sleep=time.sleep, clock=time.monotonic):
    """Poll ``probe()`` until it returns ``(True, value)``; return that value.

    probe: callable returning (done, value); it is called at least once.
    timeout: seconds in all; delay: seconds between two probes, or a callable(seconds waited so far) -> seconds
        (a schedule: short polls while an answer is likely soon, longer ones after).
    what: the awaited condition, for the error ("certificate example.com to be ISSUED").
    explain: callable(value) -> str describing the last state seen, so that a
        timeout names its cause.
    Raises JwtPizzaTimeout when the time is up.
    """
    started = clock()
    deadline = started + timeout
    while True:
        done, value = probe()
        if done:
            return value
        remaining = deadline - clock()
        if remaining <= 0:
            cause = explain(value) if explain else f"last state: {value!r}"
            raise JwtPizzaTimeout(message=f"Timed out after {timeout}s waiting for {what}; {cause}")
        pause = delay(clock() - started) if callable(delay) else delay
        sleep(min(pause, remaining))


def retry_while(refused, call, timeout, delay, what, explain=None):
    """``call()``, called again while it fails with an error that ``refused(exc)`` accepts (AWS not ready yet: a fresh
    ID it does not show, a dependency still in place), up to ``timeout`` seconds; returns its answer.

    Other errors are raised at once; after the timeout, JwtPizzaTimeout names ``what`` and the last error (or what
    ``explain(exc)`` says of it).  The sleep and the clock are read when called, so that tests may patch ``time``.
    """

    def probe():
        try:
            return True, call()
        except JwtPizzaAWSError as exc:
            if not refused(exc):
                raise
            return False, exc

    return wait_for(probe, timeout, delay, what, explain=explain or (lambda exc: f"last error: {exc.exception}"),
                    sleep=time.sleep, clock=time.monotonic)


class DiffTracker:
    """The before/after of ``--diff``, built the same way in every module (after community.docker's DifferenceTracker).

    ``add(name, before, after)`` records one owned field or resource (None for "does not exist"); a name added
    twice keeps its first ``before`` and its last ``after``.  ``get_before_after()`` gives the two dicts;
    ``has_differences`` says whether any recorded item differs; ``result(module)`` is ``{"diff": ...}`` when the
    run asked for a diff (``module._diff``), else ``{}``.  With ``omit_none``, a side that is None ("does not
    exist") is left out of its dict.
    """

    def __init__(self, omit_none=False):
        self._items = {}
        self.omit_none = omit_none

    def add(self, name, before=None, after=None):
        if name in self._items:
            before = self._items[name][0]
        self._items[name] = (before, after)

    def add_all(self, before, after):
        """Add every key of two dicts (a missing key is None on its side)."""
        before, after = before or {}, after or {}
        for name in [*before, *(k for k in after if k not in before)]:
            self.add(name, before.get(name), after.get(name))

    @classmethod
    def of(cls, before, after):
        """A tracker of two flat dicts of owned fields (a resource that does not exist is {}); None sides omitted."""
        tracker = cls(omit_none=True)
        tracker.add_all(before, after)
        return tracker

    def merge(self, other):
        for name, (before, after) in other._items.items():
            self.add(name, before, after)

    @property
    def empty(self):
        return not self._items

    @property
    def has_differences(self):
        return any(before != after for before, after in self._items.values())

    def has_difference_for(self, name):
        return name in self._items and self._items[name][0] != self._items[name][1]

    def get_before_after(self, omit_none=None):
        """(before, after) dicts; with omit_none (default: the tracker's), items that are None on one side are left out of that side."""
        omit_none = self.omit_none if omit_none is None else omit_none
        before = {name: b for name, (b, _a) in self._items.items() if not (omit_none and b is None)}
        after = {name: a for name, (_b, a) in self._items.items() if not (omit_none and a is None)}
        return before, after

    def result(self, module, omit_none=None):
        if not getattr(module, "_diff", False):
            return {}
        before, after = self.get_before_after(omit_none)
        return {"diff": {"before": before, "after": after}}


def diff_owned(desired, current, fields, tracker=None):
    """Return {field: {"before": current, "after": desired}} for owned fields that differ.

    Fields absent from ``desired`` (None) are not owned by the caller and ignored;
    ``current`` must already be normalised (defaults filled where a read omits them).
    With ``tracker`` (a DiffTracker), each differing field is also added to it.
    """
    changes = {}
    for field in fields:
        want = desired.get(field)
        if want is None:
            continue
        have = current.get(field) if current else None
        if want != have:
            changes[field] = {"before": have, "after": want}
            if tracker is not None:
                tracker.add(field, have, want)
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

    def require_unless_check_mode(self, *names, state="present"):
        """Fail naming the options of ``names`` that are empty when ``state`` is the module's state.

        In check mode they may be empty (they name resources the same check run would create first): the
        empty ones are returned, so that the module reports what it can.  Outside check mode this returns [].
        """
        if self.params.get("state", "present") != state:
            return []
        empty = [name for name in names if self.params.get(name) in (None, "", [], {})]
        if empty and not self.check_mode:
            self.fail_json(msg=f"{', '.join(empty)} required with state={state} (empty or missing)")
        return empty

    def run(self, action):
        """Call ``action()`` and exit with its result dict, or fail with the AWS error it raised.

        The result's ``diff`` (a DiffTracker) becomes ``{"diff": {"before", "after"}}`` when the run asks for a diff, and
        is dropped otherwise.
        """
        try:
            result = action()
        except AnsibleAWSError as exc:
            self.fail_json_aws_error(exc)
        tracker = result.pop("diff", None)
        if tracker is not None:
            result.update(tracker.result(self))
        self.exit_json(**result)

    def run_state(self, manager):
        """Exit with ``manager.ensure_present()`` or ``manager.ensure_absent()``, as the state option says."""
        self.run(getattr(manager, f"ensure_{self.params['state']}"))
