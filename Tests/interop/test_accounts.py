"""Accounts, tokens and ICE servers through the real binary and its SQLite file."""
import base64
import hashlib
import hmac
import json
import time

import requests

from conftest import run_notrack

USER = {"username": "alice@example.com", "password": "SecurePass123!", "confirmPassword": "SecurePass123!"}


def register(url, user=USER):
    return requests.post(url + "/api/auth/register", json=user, timeout=30)


def test_accounts_survive_a_restart(appliance_factory):
    first = appliance_factory().start()
    registered = register(first.url)
    assert registered.status_code == 201, registered.text
    extension = registered.json()["extension"]
    assert first.stop() == 0

    second = appliance_factory()
    second.workdir, second.stderr_path = first.workdir, first.workdir / "stderr-2.log"
    second.start()
    login = requests.post(second.url + "/api/auth/login", json={"username": "ALICE@example.com", "password": USER["password"]})
    assert login.status_code == 200
    assert login.json()["extension"] == extension
    assert login.json()["expiresIn"] == "24h"
    assert register(second.url).status_code == 409
    second.stop()


def test_turn_credentials_are_minted_from_the_derived_secret(appliance_factory):
    appliance = appliance_factory().start()
    token = register(appliance.url).json()["token"]
    response = requests.get(appliance.url + "/api/turn/credentials", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["ttl"] == 86400
    stun, turn = body["iceServers"]
    assert stun["urls"] == [f"stun:127.0.0.1:{appliance.relay_port}"]
    assert turn["urls"] == [f"turn:127.0.0.1:{appliance.relay_port}?transport=udp",
                            f"turn:127.0.0.1:{appliance.relay_port}?transport=tcp"]
    expiry, user = turn["username"].split(":", 1)
    assert abs(int(expiry) - (time.time() + 86400)) < 60
    # The TURN secret is HKDF-derived from the JWT secret; recompute the password.
    secret = (appliance.workdir / ".notrack-data" / "secret").read_text().strip().encode()
    prk = hmac.new(b"notrack turn secret salt v1", secret, hashlib.sha256).digest()
    turn_secret = hmac.new(prk, b"notrack turn secret v1\x01", hashlib.sha256).digest().hex()
    expected = base64.b64encode(hmac.new(turn_secret.encode(), turn["username"].encode(), hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected
    # The extension in the username is the caller's.
    assert user == json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==="))["extension"]
    assert requests.get(appliance.url + "/api/turn/credentials").status_code == 401
    appliance.stop()


def test_default_auth_rate_limit_is_five_per_window(appliance_factory):
    appliance = appliance_factory()
    del appliance.env["NOTRACK_RATE_LIMIT_AUTH_MAX"]
    appliance.start()
    statuses = []
    for _ in range(6):
        response = requests.post(appliance.url + "/api/auth/login", json={"username": "x@example.com", "password": "Nope12345"})
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]
    assert response.headers["X-RateLimit-Limit"] == "5"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert int(response.headers["Retry-After"]) > 800
    appliance.stop()


def test_guest_access_is_off_by_default_and_on_when_configured(appliance_factory):
    off = appliance_factory().start()
    assert requests.post(off.url + "/api/auth/guest").status_code == 403
    off.stop()
    on = appliance_factory(env={"GUEST_ACCESS": "true"}).start()
    guest = requests.post(on.url + "/api/auth/guest")
    assert guest.status_code == 200 and guest.json()["expiresIn"] == "24h"
    assert requests.get(on.url + "/").json()["security"]["guestAccess"] is True
    on.stop()


def test_users_cli_manages_the_same_database(appliance_factory, tmp_path):
    env = {"NOTRACK_DATA_DIR": str(tmp_path / "data"), "JWT_SECRET": "s" * 40}
    added = run_notrack(["users", "add", "bob@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="Sup3rSecret!\n")
    assert added.returncode == 0, added.stderr
    assert "created bob@example.com with extension" in added.stdout
    weak = run_notrack(["users", "add", "eve@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="weak\n")
    assert weak.returncode != 0 and "at least 8 characters" in weak.stderr
    duplicate = run_notrack(["users", "add", "BOB@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="Sup3rSecret!\n")
    assert duplicate.returncode != 0 and "already exists" in duplicate.stderr
    listed = run_notrack(["users", "list"], env=env, cwd=tmp_path)
    assert "bob@example.com" in listed.stdout

    changed = run_notrack(["users", "passwd", "bob@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="N3wSecret!!\n")
    assert changed.returncode == 0, changed.stderr
    appliance = appliance_factory(env=env).start()
    login = requests.post(appliance.url + "/api/auth/login", json={"username": "bob@example.com", "password": "N3wSecret!!"})
    assert login.status_code == 200
    appliance.stop()

    removed = run_notrack(["users", "remove", "bob@example.com"], env=env, cwd=tmp_path)
    assert removed.returncode == 0
    assert "no accounts" in run_notrack(["users", "list"], env=env, cwd=tmp_path).stdout
    missing = run_notrack(["users", "remove", "bob@example.com"], env=env, cwd=tmp_path)
    assert missing.returncode != 0 and "no account named" in missing.stderr


def test_turn_cli_matches_the_api(tmp_path):
    env = {"JWT_SECRET": "k" * 40}
    secret = run_notrack(["turn-secret"], env=env, cwd=tmp_path)
    assert secret.returncode == 0 and len(secret.stdout.strip()) == 64
    minted = run_notrack(["turn-credentials", "--user", "123-456", "--ttl", "2h"], env=env, cwd=tmp_path)
    assert minted.returncode == 0, minted.stderr
    body = json.loads(minted.stdout)
    assert body["ttl"] == 7200 and body["username"].endswith(":123-456")
    expected = base64.b64encode(hmac.new(secret.stdout.strip().encode(), body["username"].encode(), hashlib.sha1).digest()).decode()
    assert body["credential"] == expected
    explicit = run_notrack(["turn-secret"], env={**env, "NOTRACK_RELAY_AUTH_SECRET": "x" * 32}, cwd=tmp_path)
    assert explicit.stdout.strip() == "x" * 32
    bad = run_notrack(["turn-credentials", "--user", "a:b"], env=env, cwd=tmp_path)
    assert bad.returncode != 0 and "--user" in bad.stderr
