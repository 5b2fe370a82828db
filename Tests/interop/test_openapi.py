"""`/swagger.json` checked by openapi-spec-validator, the running binary checked against it
by schemathesis, and Swagger UI at `/api-docs` served whole from the box itself (or, without
its files, our own plain rendering of the document).

Needs the packages of Tests/interop/requirements.txt: run with .venv-test/bin/python,
which scripts/install-test-deps.sh prepares (scripts/test.sh does both).
"""
import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from conftest import ROOT

CHECKS = ",".join([
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
])



def require(module):
    try:
        return __import__(module)
    except ImportError:
        pytest.fail(f"{module} is missing: run the suite with .venv-test/bin/python "
                    "(scripts/install-test-deps.sh creates it)")


@pytest.fixture(scope="module")
def assets_dir():
    """Swagger UI installed as in development, by the script a developer runs."""
    target = ROOT / ".notrack-assets"
    subprocess.run([str(ROOT / "scripts" / "fetch-swagger-ui.sh"), str(target / "swagger-ui")],
                   env={**os.environ, "PYTHON": sys.executable}, check=True, timeout=300)
    return target


@pytest.fixture
def appliance(appliance_factory, assets_dir):
    # Guest access on, so schemathesis reaches the guest endpoint's 200 and not only its 403.
    appliance = appliance_factory(env={"NOTRACK_HTTP_ASSETS_DIR": str(assets_dir), "GUEST_ACCESS": "true"}).start()
    yield appliance
    appliance.stop()


def test_document_is_valid_openapi_3(appliance):
    validator = require("openapi_spec_validator")
    response = requests.get(appliance.url + "/swagger.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    document = response.json()
    validator.validate(document)
    assert document["openapi"] == "3.0.3"


def test_binary_conforms_to_its_document(appliance, tmp_path):
    """Every documented operation, through schemathesis' example, coverage and
    fuzzing phases (30 examples each). The document is read from a file so that
    schemathesis also tests `GET /swagger.json`, which it skips when it loads it by URL."""
    require("schemathesis")
    document = requests.get(appliance.url + "/swagger.json").json()
    (tmp_path / "swagger.json").write_text(json.dumps(document))
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", str(tmp_path / "swagger.json"),
        "--url", appliance.url,
        "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", "30",
        "--request-timeout", "10",
        "--workers", "2",
        "--report", "ndjson", "--report-dir", str(tmp_path / "report"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "NO_COLOR": "1"})
    print(result.stdout[-20000:], result.stderr[-5000:])
    assert result.returncode == 0, "schemathesis found problems:\n" + result.stdout[-8000:]

    documented = {f"{method.upper()} {path}" for path, methods in document["paths"].items() for method in methods}
    expected = documented
    report = next((tmp_path / "report").glob("*.ndjson")).read_text()
    tested = set(re.findall(r'"label":"([A-Z]+ [^"]+)"', report))
    assert tested == expected, f"untested: {sorted(expected - tested)}"


def test_swagger_ui_page_is_served_whole_from_the_box(appliance):
    page = requests.get(appliance.url + "/api-docs")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert scripts and all('src="' in attributes for attributes in scripts), "inline scripts break the CSP"
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(url.startswith("/api-docs/") for url in urls), "every asset must come from this box"
    expected_types = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for url in urls:
        asset = requests.get(appliance.url + url)
        assert asset.status_code == 200, url
        assert asset.headers["Content-Type"].startswith(expected_types[Path(url).suffix]), url
    initializer = requests.get(appliance.url + "/api-docs/swagger-initializer.js").text
    assert 'url: "/swagger.json"' in initializer
    assert "validatorUrl: null" in initializer
    assert requests.get(appliance.url + "/api-docs/").text == page.text


def test_swagger_ui_refuses_paths_outside_its_folder(appliance):
    for path in ["/api-docs/..%2F..%2Fetc%2Fpasswd", "/api-docs/%2e%2e%2fswagger-ui%2findex.html", "/api-docs/.swagger-ui-bundle-1.1.0"]:
        response = requests.get(appliance.url + path)
        assert response.status_code == 404, path
        assert response.json()["error"]["status"] == 404


class TagBalance(HTMLParser):
    """Checks that every element the page opens is closed, in order."""
    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self):
        super().__init__()
        self.open, self.mismatches = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.mismatches.append(tag)


def test_without_swagger_ui_the_page_renders_the_document(appliance_factory, tmp_path):
    """Right after the README's run command: no Swagger UI files, yet /api-docs documents
    every operation, under the CSP, and says how to get Swagger UI."""
    appliance = appliance_factory(env={"NOTRACK_HTTP_ASSETS_DIR": str(tmp_path / "empty")}).start()
    page = requests.get(appliance.url + "/api-docs")
    document = requests.get(appliance.url + "/swagger.json").json()
    asset = requests.get(appliance.url + "/api-docs/swagger-ui-bundle.js")
    appliance.stop()
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script" not in page.text.lower() and "src=" not in page.text
    assert all(url.startswith("#") or url == "/swagger.json" for url in re.findall(r'href="([^"]*)"', page.text))
    assert "scripts/fetch-swagger-ui.sh" in page.text
    assert f"<title>NoTrack API {html.escape(document['info']['version'])}</title>" in page.text
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            anchor = html.escape(f"{method}-{path}")
            assert f'id="{anchor}"' in page.text, anchor
            section = page.text.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]
            assert html.escape(operation["summary"]) in section
            for status in operation["responses"]:
                assert f"<b>{status}</b>" in section, (anchor, status)
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page.text, name
    balance = TagBalance()
    balance.feed(page.text)
    assert balance.open == [] and balance.mismatches == []
    assert asset.status_code == 503
    assert "scripts/fetch-swagger-ui.sh" in asset.json()["error"]["message"]
