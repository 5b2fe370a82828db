"""`/metrics` read by a real Prometheus parser (prometheus_client)."""
import requests
from prometheus_client.parser import text_string_to_metric_families


def families(text):
    return {family.name: family for family in text_string_to_metric_families(text)}


def test_metrics_parse_and_carry_process_and_http_series(appliance_factory):
    appliance = appliance_factory().start()
    for _ in range(3):
        requests.get(appliance.url + "/health/live")
    requests.get(appliance.url + "/no/such/path/12345")
    response = requests.get(appliance.url + "/metrics")
    appliance.stop()
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    parsed = families(response.text)
    for name in ("process_cpu_seconds", "process_cpu_user_seconds", "process_resident_memory_bytes",
                 "process_open_fds", "process_max_fds", "process_start_time_seconds"):
        assert name in parsed, f"{name} missing"
    assert parsed["process_resident_memory_bytes"].samples[0].value > 0
    assert parsed["process_open_fds"].samples[0].value > 0

    requests_total = parsed["http_requests"]
    assert requests_total.type == "counter"
    live = [s for s in requests_total.samples
            if s.labels.get("route") == "/health/live" and s.labels.get("method") == "GET"
            and s.labels.get("status_code") == "200" and s.name == "http_requests_total"]
    assert live and live[0].value >= 3
    routes = {s.labels.get("route") for s in requests_total.samples}
    assert "NotFound" in routes
    assert not any("12345" in (route or "") for route in routes), "raw paths must never become labels"

    duration = parsed["http_request_duration_seconds"]
    assert duration.type == "histogram"
    assert any(s.name.endswith("_bucket") and s.labels.get("route") == "/health/live" for s in duration.samples)


def test_signaling_families_exist_from_start_up_at_zero(appliance_factory):
    """Before any connection or call, dashboards and alerts see 0, not a missing series."""
    appliance = appliance_factory().start()
    response = requests.get(appliance.url + "/metrics")
    appliance.stop()
    parsed = families(response.text)
    samples = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
               for family in parsed.values() for sample in family.samples}
    assert parsed["websocket_connections_active"].type == "gauge"
    assert samples[("websocket_connections_active", ())] == 0
    for direction, events in [("received", ["call-user", "answer-call", "ice-candidate", "end-call", "other"]),
                              ("sent", ["incoming-call", "call-made", "answer-made", "ice-candidate-received",
                                        "call-ended", "error"])]:
        for event in events:
            assert samples[("socketio_events_total", (("direction", direction), ("event", event)))] == 0, event
    for outcome in ["answered", "rejected", "cancelled", "timeout", "disconnect"]:
        assert samples[("calls_total", (("outcome", outcome),))] == 0, outcome
    for name in ["call_setup_seconds", "call_duration_seconds", "socketio_event_relay_seconds"]:
        assert parsed[name].type == "histogram", name
        assert samples[(name + "_count", ())] == 0, name


def test_metrics_refused_outside_allow_list(appliance_factory):
    appliance = appliance_factory(env={"NOTRACK_METRICS_ALLOW_FROM": "10.0.0.0/8"}).start()
    response = requests.get(appliance.url + "/metrics")
    appliance.stop()
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
