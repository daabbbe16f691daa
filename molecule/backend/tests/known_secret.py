"""The JWT signing secret with a known value, put in place before the first converge (run by create.yml).

The verify tests check that the converge kept this value and that it appears in no output, log or report.
"""

from __future__ import annotations

import sys
from pathlib import Path

KNOWN_VALUE = "molecule-known-jwt-value-7c41e9b2d05f"


def name(env) -> str:
    return f"{env()['prefix']}/jwt-signing-key"


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "shared"))
    from stack import client, env

    secretsmanager = client("secretsmanager")
    try:
        secretsmanager.describe_secret(SecretId=name(env))
        print("present")
    except secretsmanager.exceptions.ResourceNotFoundException:
        secretsmanager.create_secret(Name=name(env), SecretString=KNOWN_VALUE)
        print("created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
