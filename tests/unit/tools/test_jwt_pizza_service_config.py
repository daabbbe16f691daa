"""extras/jwt-pizza-service/config.js, loaded by node: every setting from the environment, JWT_SECRET required."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[3] / "extras" / "jwt-pizza-service" / "config.js"
VARIABLES = ("JWT_SECRET", "DB_HOST", "DB_USER", "DB_PASSWORD", "DB_NAME", "DB_CONNECT_TIMEOUT", "FACTORY_URL",
             "FACTORY_API_KEY")

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def load(**env):
    """(exit code, the config as JSON or None, stderr) of `require(config.js)` with exactly these variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    done = subprocess.run(["node", "-e", f"process.stdout.write(JSON.stringify(require({json.dumps(str(CONFIG))})))"],
                          env={**clean, **env}, capture_output=True, text=True, timeout=30, check=False)
    return done.returncode, (json.loads(done.stdout) if done.returncode == 0 else None), done.stderr


def test_every_setting_comes_from_the_environment():
    code, config, _stderr = load(JWT_SECRET="s3cret", DB_HOST="db.internal", DB_USER="admin", DB_PASSWORD="pw",
                                 DB_NAME="pizzadb", DB_CONNECT_TIMEOUT="5000", FACTORY_URL="https://factory.example",
                                 FACTORY_API_KEY="key")
    assert code == 0
    assert config == {
        "jwtSecret": "s3cret",
        "db": {"connection": {"host": "db.internal", "user": "admin", "password": "pw", "database": "pizzadb",
                              "connectTimeout": 5000}, "listPerPage": 10},
        "factory": {"url": "https://factory.example", "apiKey": "key"},
    }


@pytest.mark.parametrize("value", [None, ""])
def test_missing_jwt_secret_stops_the_app_naming_it(value):
    env = {"DB_HOST": "db"} if value is None else {"DB_HOST": "db", "JWT_SECRET": value}
    code, _config, stderr = load(**env)
    assert code != 0
    assert "environment variable JWT_SECRET is required but not set" in stderr


def test_defaults_and_no_database_still_loads():
    code, config, _stderr = load(JWT_SECRET="s")
    assert code == 0
    assert config["db"]["connection"] == {"database": "pizza", "connectTimeout": 60000}  # host etc. undefined
    assert config["db"]["listPerPage"] == 10 and config["factory"] == {}


def test_malformed_timeout_is_named():
    code, _config, stderr = load(JWT_SECRET="s", DB_CONNECT_TIMEOUT="soon")
    assert code != 0 and "DB_CONNECT_TIMEOUT" in stderr
