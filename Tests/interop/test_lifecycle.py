"""The appliance binary end to end: embedded defaults, logs, shutdown, start-up failures."""
import json
import os
import signal
import socket
import stat

import requests

from conftest import free_port, run_notrack


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_embedded_defaults_start_in_development_and_say_so(appliance_factory):
    appliance = appliance_factory().start()
    assert requests.get(appliance.url + "/health/live").json()["status"] == "alive"
    assert appliance.stop() == 0
    lines = json_lines(appliance.stderr())
    start = next(line for line in lines if line["msg"] == "starting notrack")
    assert start["environment"] == "development"
    assert start["config"].startswith("none")
    assert start["data_dir"] == str(appliance.workdir / ".notrack-data")
    assert start["http"] == f"127.0.0.1:{appliance.http_port}"
    assert start["relay"] == f"127.0.0.1:{appliance.relay_port}"
    secret = appliance.workdir / ".notrack-data" / "secret"
    assert any(line["msg"] == "generated a development secret" and line["path"] == str(secret) for line in lines)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_text().strip()) >= 32


def test_development_secret_is_generated_once(appliance_factory):
    first = appliance_factory().start()
    first.stop()
    secret = (first.workdir / ".notrack-data" / "secret").read_text()
    again = appliance_factory()
    again.workdir = first.workdir
    again.stderr_path = first.workdir / "stderr-2.log"
    again.start()
    again.stop()
    assert (first.workdir / ".notrack-data" / "secret").read_text() == secret
    assert "generated a development secret" not in again.stderr()


def test_sigterm_and_sigint_stop_gracefully_with_status_zero(appliance_factory):
    for sig in (signal.SIGTERM, signal.SIGINT):
        appliance = appliance_factory().start()
        assert appliance.stop(sig) == 0
        messages = [line["msg"] for line in json_lines(appliance.stderr())]
        assert "stopped" in messages
        assert "relay stopped" in messages


def test_every_request_is_logged_with_its_request_id(appliance_factory):
    appliance = appliance_factory().start()
    response = requests.get(appliance.url + "/health/live", headers={"X-Request-Id": "trace-42"})
    assert response.headers["X-Request-Id"] == "trace-42"
    generated = requests.get(appliance.url + "/nowhere").headers["X-Request-Id"]
    appliance.stop()
    requests_logged = [line for line in json_lines(appliance.stderr()) if line["msg"] == "request"]
    live = next(line for line in requests_logged if line.get("request_id") == "trace-42")
    assert live["method"] == "GET" and live["route"] == "/health/live" and live["status"] == "200"
    assert float(live["duration_ms"]) >= 0
    missing = next(line for line in requests_logged if line.get("request_id") == generated)
    assert missing["status"] == "404" and missing["route"] == "NotFound"


def test_http_port_in_use_is_a_clear_error(appliance_factory):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        appliance = appliance_factory(env={})
        appliance.env["PORT"] = str(port)
        appliance.start(wait=False)
        code = appliance.process.wait(timeout=30)
    assert code != 0
    error = appliance.stderr()
    assert f"127.0.0.1 port {port}/tcp is already in use" in error
    assert "http.port" in error


def test_relay_port_in_use_is_a_clear_error(appliance_factory):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        port = blocker.getsockname()[1]
        appliance = appliance_factory()
        appliance.env["NOTRACK_RELAY_PORT"] = str(port)
        appliance.start(wait=False)
        code = appliance.process.wait(timeout=30)
    assert code != 0
    assert f"127.0.0.1 port {port}/udp is already in use" in appliance.stderr()
    assert "relay.port" in appliance.stderr()


def test_production_never_generates_a_secret(tmp_path):
    result = run_notrack(["serve"], env={
        "NOTRACK_ENVIRONMENT": "production",
        "NOTRACK_DATA_DIR": str(tmp_path / "data"),
        "NOTRACK_AUTH_JWT_SECRET_FILE": str(tmp_path / "missing-secret"),
        "PORT": str(free_port()),
    }, cwd=tmp_path)
    assert result.returncode == 1
    assert "auth.jwtSecretFile" in result.stderr
    assert "never generates" in result.stderr
    assert not (tmp_path / "missing-secret").exists()
    assert not (tmp_path / "data").exists()


def test_check_config_prints_effective_values_with_secrets_redacted(tmp_path):
    secret = "x" * 40
    result = run_notrack(["check-config", "--port", "4321"], env={"JWT_SECRET": secret}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout
    assert "<redacted, 40 bytes>" in result.stdout
    assert "http.port" in result.stdout and "4321" in result.stdout and "flag --port" in result.stdout
    assert "configuration OK (development)" in result.stdout


def test_check_config_lists_every_problem_and_exits_1(tmp_path):
    config = tmp_path / "notrack.yaml"
    config.write_text("environment: production\nhttp:\n  port: 99999\nrelay:\n  prot: 1\nlog:\n  level: loud\n")
    result = run_notrack(["check-config", "--config", str(config)], cwd=tmp_path)
    assert result.returncode == 1
    assert "relay.prot: unknown key; did you mean 'relay.port'?" in result.stderr
    result = run_notrack(["check-config", "--config", str(tmp_path / "absent.yaml")], cwd=tmp_path)
    assert result.returncode == 1 and "does not exist" in result.stderr and "--config" in result.stderr
    config.write_text("environment: production\nhttp:\n  port: 99999\nlog:\n  level: loud\n")
    result = run_notrack(["check-config"], env={"NOTRACK_CONFIG": str(config)}, cwd=tmp_path)
    assert result.returncode == 1
    for expected in ("http.port: must be a port number", "log.level: must be one of", "auth.jwtSecretFile"):
        assert expected in result.stderr


def test_config_file_from_environment_variable_is_used(appliance_factory, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("y" * 48 + "\n")
    os.chmod(secret_file, 0o600)
    config = tmp_path / "notrack.yaml"
    config.write_text(
        "environment: production\n"
        f"dataDir: {tmp_path / 'data'}\n"
        "http:\n  host: 127.0.0.1\n"
        f"auth:\n  jwtSecretFile: {secret_file}\n"
        "relay:\n  listenAddresses: [127.0.0.1]\n"
    )
    appliance = appliance_factory(env={"NOTRACK_CONFIG": str(config)}).start()
    info = requests.get(appliance.url + "/").json()
    assert info["environment"] == "production"
    assert appliance.stop() == 0
    start = next(line for line in json_lines(appliance.stderr()) if line["msg"] == "starting notrack")
    assert start["config"] == str(config)
    assert start["secret"] == f"file {secret_file}"


def test_version_and_help():
    version = run_notrack(["version"])
    assert version.returncode == 0 and version.stdout.startswith("notrack ")
    helped = run_notrack(["--help"])
    assert helped.returncode == 0
    for word in ("serve", "check-config", "version", "Examples"):
        assert word in helped.stdout
