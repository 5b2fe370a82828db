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


CLOSED = "Registration is closed on this server: ask the administrator to create your account (notrack users add)."


def test_registration_can_be_closed_and_root_says_so(appliance_factory):
    closed = appliance_factory(env={"NOTRACK_AUTH_REGISTRATION": "closed"}).start()
    refused = register(closed.url)
    assert refused.status_code == 403
    assert refused.json() == {"error": {"message": CLOSED, "status": 403}}
    assert requests.get(closed.url + "/").json()["security"] == {"https": False, "guestAccess": False, "registration": "closed"}
    closed.stop()
    opened = appliance_factory().start()
    assert requests.get(opened.url + "/").json()["security"]["registration"] == "open"
    assert register(opened.url).status_code == 201
    opened.stop()


def test_production_closes_registration_by_default(tmp_path):
    env = {"NOTRACK_ENVIRONMENT": "production", "JWT_SECRET": "s" * 40,
           "NOTRACK_RELAY_PUBLIC_ADDRESS": "203.0.113.10", "NOTRACK_DATA_DIR": str(tmp_path / "data")}
    checked = run_notrack(["check-config"], env=env, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    line = next(line for line in checked.stdout.splitlines() if line.startswith("auth.registration"))
    assert line.split()[1:] == ["closed", "#", "default"]
    opened = run_notrack(["check-config"], env={**env, "NOTRACK_AUTH_REGISTRATION": "open"}, cwd=tmp_path)
    assert any(line.startswith("auth.registration") and " open " in line for line in opened.stdout.splitlines())


def test_root_reports_the_api_version_and_the_appliance_version(appliance_factory):
    appliance = appliance_factory().start()
    body = requests.get(appliance.url + "/").json()
    appliance.stop()
    assert body["version"] == "2.2.4"
    assert body["applianceVersion"] == run_notrack(["version"]).stdout.split()[-1]


CONTROL = "must not contain control characters such as NUL or newline"


def test_control_characters_never_reach_bcrypt(appliance_factory):
    """bcrypt stops at NUL: without the check, `password + NUL + anything` logs in."""
    appliance = appliance_factory().start()
    with_nul = dict(USER, password=USER["password"] + "\x00anything", confirmPassword=USER["password"] + "\x00anything")
    refused = register(appliance.url, with_nul)
    assert refused.json() == {"error": {"message": "password " + CONTROL, "status": 400}}
    assert register(appliance.url).status_code == 201
    for username, password, field in [(USER["username"], USER["password"] + "\x00anything", "password"),
                                      (USER["username"] + "\n", USER["password"], "username"),
                                      (USER["username"], USER["password"] + "\x7f", "password")]:
        login = requests.post(appliance.url + "/api/auth/login", json={"username": username, "password": password})
        assert login.status_code == 400, (username, password)
        assert login.json() == {"error": {"message": f"{field} {CONTROL}", "status": 400}}
    appliance.stop()


def test_users_cli_refuses_control_characters(tmp_path):
    env = {"NOTRACK_DATA_DIR": str(tmp_path / "data"), "JWT_SECRET": "s" * 40}
    nul = run_notrack(["users", "add", "bob@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="Sup3rSecret!\x00x\n")
    assert nul.returncode != 0 and "password " + CONTROL in nul.stderr
    escape = run_notrack(["users", "add", "bo\x01b@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="Sup3rSecret!\n")
    assert escape.returncode != 0 and "username " + CONTROL in escape.stderr
    assert run_notrack(["users", "add", "bob@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="Sup3rSecret!\n").returncode == 0
    changed = run_notrack(["users", "passwd", "bob@example.com", "--password-stdin"], env=env, cwd=tmp_path, input="N3wSecret!\x1b[0m\n")
    assert changed.returncode != 0 and "password " + CONTROL in changed.stderr


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


def test_users_passwd_and_remove_end_live_sessions_and_old_tokens(appliance_factory, tmp_path):
    """`notrack users passwd|remove` run beside the service: the old token neither
    connects nor mints TURN credentials, and its live session ends within seconds."""
    from phones import Phone

    env = {"NOTRACK_DATA_DIR": str(tmp_path / "data"), "JWT_SECRET": "g" * 40}
    appliance = appliance_factory(env=env).start()
    user = {"username": "frank@example.com", "password": "FirstPass123!", "confirmPassword": "FirstPass123!"}
    first = register(appliance.url, user).json()["token"]
    phone = Phone(appliance.url, "frank", token=first)
    phone.wait("ice-servers")

    changed = run_notrack(["users", "passwd", user["username"], "--password-stdin"], env=env, cwd=tmp_path,
                          input="SecondPass123!\n")
    assert changed.returncode == 0, changed.stderr
    assert phone.disconnected.wait(15), "the session of the old password stayed up"
    assert phone.received("error")[-1]["code"] == "AUTHENTICATION_FAILED"
    turn = requests.get(appliance.url + "/api/turn/credentials", headers={"Authorization": f"Bearer {first}"})
    assert turn.status_code == 401
    refused = Phone(appliance.url, "frank", token=first, connect=False)
    try:
        refused.connect()
        raise AssertionError("a token of the old password connected")
    except Exception as error:  # python-socketio's ConnectionError
        assert "Authentication failed" in str(error) or "connect" in str(error).lower()

    second = requests.post(appliance.url + "/api/auth/login",
                           json={"username": user["username"], "password": "SecondPass123!"}).json()["token"]
    renewed = Phone(appliance.url, "frank", token=second)
    renewed.wait("ice-servers")
    assert run_notrack(["users", "remove", user["username"]], env=env, cwd=tmp_path).returncode == 0
    assert renewed.disconnected.wait(15), "the session of a removed account stayed up"
    assert requests.get(appliance.url + "/api/turn/credentials",
                        headers={"Authorization": f"Bearer {second}"}).status_code == 401
    assert appliance.stop() == 0
