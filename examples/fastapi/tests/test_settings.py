"""Settings from the environment.

- Defaults suit a local PostgreSQL; every DB_* variable Slipway sets is read.
- DB_SSL other than disable/require, and ports out of range, fail naming the variable.
"""

import pytest

from app.settings import Settings, SettingsError


def test_reads_the_variables_slipway_sets():
    env = {
        "DB_HOST": "db.internal",
        "DB_PORT": "6543",
        "DB_NAME": "app",
        "DB_USER": "svc",
        "DB_PASSWORD": "pw",
        "DB_SSL": "require",
        "PORT": "8000",
    }
    assert Settings.from_env(env) == Settings("db.internal", 6543, "app", "svc", "pw", "require", 8000)


def test_defaults_suit_a_local_database():
    s = Settings.from_env({})
    assert (s.db_host, s.db_port, s.db_user, s.db_ssl, s.port) == ("127.0.0.1", 5432, "postgres", "disable", 8000)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DB_SSL": "verify-full"}, 'DB_SSL: got "verify-full"; expected one of disable, require'),
        ({"PORT": "eighty"}, 'PORT: got "eighty"; expected a port number from 1 to 65535'),
        ({"DB_PORT": "70000"}, 'DB_PORT: got "70000"; expected a port number from 1 to 65535'),
    ],
)
def test_rejects_unusable_values(env, message):
    with pytest.raises(SettingsError) as error:
        Settings.from_env(env)
    assert str(error.value) == message
