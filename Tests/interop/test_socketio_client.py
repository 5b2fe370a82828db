"""python-socketio's client against sio-conformance-server (the server the official suites
run against): WebSocket only, polling only, polling then upgrade, each with the auth
payload, binary events and acknowledgements both ways; and a refused CONNECT."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import ROOT, free_port

sys.path.insert(0, str(Path(__file__).parent / "python-socketio"))
import interop  # noqa: E402

SERVER = Path(os.environ.get("SIO_CONFORMANCE_SERVER", ROOT / ".build" / "debug" / "sio-conformance-server"))


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    if not SERVER.exists():
        pytest.fail(f"{SERVER} is missing: run `swift build --product sio-conformance-server`")
    port = free_port()
    log = open(tmp_path_factory.mktemp("sio") / "server.log", "wb")
    process = subprocess.Popen([str(SERVER), "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/socket.io/?EIO=4&transport=polling", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert process.poll() is None, "sio-conformance-server exited early"
        assert time.monotonic() < deadline, "sio-conformance-server did not answer in time"
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def assert_all_passed(results):
    failed = [name for name, ok in results if not ok]
    assert results and not failed, f"failed checks: {failed}"


@pytest.mark.parametrize("transports,label", interop.SESSIONS, ids=[label for _, label in interop.SESSIONS])
def test_events_and_acks_both_ways(server_url, transports, label):
    assert_all_passed(interop.session(server_url, transports, label))


def test_connect_to_an_unknown_namespace_is_refused(server_url):
    assert_all_passed(interop.refused(server_url))
