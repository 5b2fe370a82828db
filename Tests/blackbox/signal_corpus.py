"""What the signaling fuzzer sends: hostile HTTP requests, Engine.IO and Socket.IO packets,
call events, tokens and WebSocket frames. Every function takes a `random.Random` and
returns bytes or text; nothing here touches a socket."""
import base64
import json
import os
import time

import signal_wire as wire
from common import pick

MAX_PAYLOAD = 1_000_000     # realtime.maxPayload's default
MAX_BODY = 102_400          # http.maxBodySize's default
SDP_LIMIT = 64 * 1024

ROUTES = ["/", "/health/live", "/health/ready", "/api/health/redis", "/metrics", "/swagger.json", "/api-docs",
          "/api-docs/", "/api-docs/index.html", "/api-docs/swagger-ui.css", "/api/auth/guest",
          "/api/auth/register", "/api/auth/login", "/api/turn/credentials", "/socket.io/", "/nothing-here"]
AUTH_ROUTES = ["/api/auth/register", "/api/auth/login", "/api/auth/guest"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "CONNECT", "get",
           "G E T", "POST\x00", "X" * 300]
CONTENT_TYPES = [None, "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16",
                 "APPLICATION/JSON", "application/jsonx", "application/json, text/plain", "text/plain",
                 "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                 "application/octet-stream", "", ";", "application/json;" + "a" * 5000, "application/\x00json"]
CALL_EVENTS = ["call-user", "answer-call", "ice-candidate", "end-call"]
OTHER_EVENTS = ["make-answer", "reject-call", "call-made", "incoming-call", "answer-made", "ice-candidate-received",
                "call-ended", "error", "ice-servers", "connect", "disconnect", "disconnecting", "newListener",
                "__proto__", "constructor", "hasOwnProperty", "", "e" * 1000, "call-user\x00", "CALL-USER"]
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
CANDIDATE = "candidate:1 1 UDP 2130706431 192.0.2.10 54321 typ host"


def weird_string(rng):
    return pick(rng, [
        (3, lambda: ""), (2, lambda: "\x00"), (2, lambda: "\ud800"), (2, lambda: "é" * rng.choice((1, 1000))),
        (2, lambda: "a" * rng.choice((256, 70_000, 300_000))), (1, lambda: "\u202e\ufeff\u200b"),
        (1, lambda: "%00%zz%"), (1, lambda: "null"), (1, lambda: "<script>"), (1, lambda: "../" * 50),
    ])()


def wrong_value(rng, depth=0):
    """A JSON value of a surprising type or size."""
    choices = [(2, lambda: None), (2, lambda: rng.choice([0, -1, 1.5, 2 ** 53 + 1, 10 ** 30, -10 ** 30, 1e308])),
               (2, lambda: rng.choice([True, False])), (3, lambda: weird_string(rng)),
               (1, lambda: [wrong_value(rng, depth + 1) for _ in range(rng.randint(0, 3))] if depth < 3 else []),
               (1, lambda: {weird_string(rng)[:50]: wrong_value(rng, depth + 1)} if depth < 3 else {}),
               (1, lambda: nested(rng.choice((100, 400))))]   # deeper ones go as text
    return pick(rng, choices)()


def nested(depth, leaf=1):
    value = leaf
    for n in range(depth):
        value = [value] if n % 2 else {"a": value}
    return value


def deep_json_text(rng):
    depth = rng.choice((500, 5000, 100_000))
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    return opener * depth + "1" + closer * (depth if rng.random() < 0.7 else depth // 2)


# Tokens

def token(rng, secret, extension):
    """A token that looks like one, and mostly is not valid."""
    now = int(time.time())
    good = {"extension": extension, "sub": f"guest:{extension}", "iat": now, "exp": now + 3600}

    def claims(**changes):
        body = dict(good)
        for key, value in changes.items():
            if value is ...:
                body.pop(key, None)
            else:
                body[key] = value
        return body

    valid = wire.jwt(secret, good)
    return pick(rng, [
        (6, lambda: valid),
        (1, lambda: ""), (1, lambda: "x"), (1, lambda: "a.b.c"), (1, lambda: ".."), (1, lambda: "." * 1000),
        (1, lambda: valid + "." + valid), (1, lambda: " " + valid + " "), (1, lambda: valid + "=="),
        (1, lambda: valid[:-3] + ("AAA" if not valid.endswith("AAA") else "BBB")),
        (1, lambda: wire.jwt(secret, good, header={"alg": "none", "typ": "JWT"}, signature="")),
        (1, lambda: wire.jwt(secret, good, alg="HS512")), (1, lambda: wire.jwt(secret, good, alg="RS256")),
        (1, lambda: wire.jwt(secret, good, header={"typ": "JWT"})),
        (1, lambda: wire.jwt(secret, good, header={"alg": None})), (1, lambda: wire.jwt(secret, good, header=[1])),
        (1, lambda: wire.jwt(secret, good, header={"alg": "HS256", "kid": "../../" * 100, "crit": ["x"]})),
        (1, lambda: wire.jwt(secret, "not json")), (1, lambda: wire.jwt(secret, "[1,2]")),
        (1, lambda: wire.jwt(secret, claims(exp=...))), (1, lambda: wire.jwt(secret, claims(exp="tomorrow"))),
        (1, lambda: wire.jwt(secret, claims(exp=1e308))), (1, lambda: wire.jwt(secret, claims(exp=-1))),
        (1, lambda: wire.jwt(secret, claims(exp=10 ** 30))), (1, lambda: wire.jwt(secret, claims(exp=now - 10))),
        (1, lambda: wire.jwt(secret, claims(iat=now + 10 ** 9))),
        (1, lambda: wire.jwt(secret, claims(extension="12-34"))),
        (1, lambda: wire.jwt(secret, claims(extension=123456))),
        (1, lambda: wire.jwt(secret, claims(extension=None))), (1, lambda: wire.jwt(secret, claims(extension=...))),
        (1, lambda: wire.jwt(secret, claims(extension=extension + "\n"))),
        (1, lambda: wire.jwt(secret, claims(sub=...))), (1, lambda: wire.jwt(secret, claims(sub=7))),
        (1, lambda: wire.jwt(secret, claims(sub="user:abc"))), (1, lambda: wire.jwt(secret, claims(sub="user:-1"))),
        (1, lambda: wire.jwt(secret, claims(sub="user:99999999999999999999999"))),
        (1, lambda: wire.jwt(secret, claims(pad="p" * 100_000))),
        (1, lambda: wire.jwt("wrong-secret-wrong-secret-wrong-secret", good)),
        (1, lambda: base64.b64encode(os.urandom(rng.choice((10, 300)))).decode()),
    ])()


def auth_payload(rng, secret, extension):
    """The CONNECT packet's auth object (or something else)."""
    return pick(rng, [(6, lambda: {"token": token(rng, secret, extension)}),
                      (1, lambda: {"token": wrong_value(rng)}), (1, lambda: {}),
                      (1, lambda: {"token": token(rng, secret, extension), "extra": nested(200)}),
                      (1, lambda: wrong_value(rng))])()


# HTTP

def mangle_path(rng, path):
    return pick(rng, [
        (4, lambda: path), (2, lambda: "/" + path), (1, lambda: "//" + path.lstrip("/")),
        (1, lambda: "/./" + path.lstrip("/")), (1, lambda: "/x/.." + path), (1, lambda: path + "/"),
        (1, lambda: path.replace("/", "%2F")), (1, lambda: path.replace("/", "%2f", 2)), (1, lambda: path.upper()),
        (1, lambda: path + ";jsessionid=1"), (1, lambda: path + "?" + "q=" + "%zz" * rng.randint(1, 2000)),
        (1, lambda: path + "?" + "&".join(f"k{n}=v" for n in range(rng.choice((10, 5000))))),
        (1, lambda: path + "#frag"), (1, lambda: path + "%00"), (1, lambda: path.replace("a", "%61")),
        (1, lambda: path.replace(".", "%252e")), (1, lambda: path.replace("/", "\\")),
        (1, lambda: path + "/..;/"), (1, lambda: path.replace("a", "\u0430")),   # Cyrillic а
        (1, lambda: "/api-docs/../../../../etc/passwd"), (1, lambda: "/api-docs/%2e%2e/%2e%2e/etc/passwd"),
        (1, lambda: "/api-docs/..%2f..%2fetc%2fpasswd"), (1, lambda: "/api-docs/x.js%00.html"),
        (1, lambda: "/api-docs/" + "a" * 5000 + ".js"), (1, lambda: "/api-docs/.hidden.js"),
        (1, lambda: "http://127.0.0.1" + path), (1, lambda: "*"), (1, lambda: path + "?" + "x" * 200_000),
        (1, lambda: path + " "), (1, lambda: path.replace("/", "//")),
    ])()


def bad_json_body(rng):
    good = {"username": f"fz{rng.randrange(10 ** 9)}@example.com", "password": "FuzzPass123",
            "confirmPassword": "FuzzPass123"}

    def edited():
        body = dict(good)
        for key in rng.sample(sorted(body), rng.randint(1, 3)):
            if rng.random() < 0.4:
                del body[key]
            else:
                body[key] = wrong_value(rng)
        return json.dumps(body)

    return pick(rng, [
        (4, edited), (1, lambda: "{"), (1, lambda: '{"username":'), (1, lambda: "[]"), (1, lambda: '"x"'),
        (1, lambda: "null"), (1, lambda: "1e999999"), (1, lambda: "-" + "9" * 20_000), (1, lambda: "NaN"),
        (1, lambda: '{"username":NaN,"password":Infinity}'), (1, lambda: deep_json_text(rng)),
        (1, lambda: '{"username":"' + "a" * rng.choice((300, MAX_BODY + 10)) + '"}'),
        (1, lambda: b'{"username":"\xff\xfe\xc0\x80@x.io","password":"Aa1aaaaaaa"}'),
        (1, lambda: '{"username":"\\ud800@x.io","password":"Aa1\\u0000aaaaa","confirmPassword":"Aa1\\u0000aaaaa"}'),
        (1, lambda: '{"username":"a@b.io","username":"c@d.io","password":"x","password":["y"]}'),
        (1, lambda: "\ufeff" + json.dumps(good)), (1, lambda: json.dumps(good) + "garbage"),
        (1, lambda: json.dumps({**good, "password": "Aa1" + "a" * 100, "confirmPassword": "Aa1" + "a" * 100})),
        (1, lambda: json.dumps({**good, "username": "\u0430" * 3 + "@example.com"})),
        (1, lambda: json.dumps({"username": good["username"], "password": "Wrong12345"})),   # costs a bcrypt
        (1, lambda: os.urandom(rng.choice((1, 100, 5000)))), (1, lambda: ""),
        (1, lambda: "username=a&password=b"),
    ])()


def header_abuse(rng):
    """Extra header lines that are wrong in one way or another."""
    return pick(rng, [
        (2, lambda: [("X-Big", "b" * rng.choice((8_000, 65_000, 300_000, 2_000_000)))]),
        (2, lambda: [(f"X-H{n}", "v") for n in range(rng.choice((100, 1000, 10_000, 40_000)))]),
        (1, lambda: [(b"NoColonHere", b"")]), (1, lambda: [(b"Bad Name", b"x")]), (1, lambda: [(b"X-Nul\x00", b"x")]),
        (1, lambda: [(b"X-Fold", b"a\r\n  folded")]), (1, lambda: [(b"X-Bare", b"a\nX-Other: b")]),
        (1, lambda: [("Host", "a"), ("Host", "b")]), (1, lambda: [("Host", "\x01" * 10)]),
        (1, lambda: [("Host", "h" * 70_000)]),
        (1, lambda: [("Content-Length", "5"), ("Content-Length", "7")]),
        (1, lambda: [("Content-Length", rng.choice(["-1", "1e3", "+5", " 5", "0x10", "99999999999999999999",
                                                    "18446744073709551616", "", "5, 5"]))]),
        (1, lambda: [("Transfer-Encoding", "chunked"), ("Content-Length", "3")]),
        (1, lambda: [("Transfer-Encoding", rng.choice(["gzip, chunked", "identity", "xchunked", "chunked, chunked",
                                                       "CHUNKED", " chunked", "chunked\x00"]))]),
        (1, lambda: [("Expect", rng.choice(["100-continue", "200-ok", "x" * 1000]))]),
        (1, lambda: [("Connection", rng.choice(["Upgrade", "close, keep-alive", "x" * 10_000]))]),
        (1, lambda: [("Upgrade", rng.choice(["websocket", "h2c", "TLS/1.2"])), ("Connection", "Upgrade")]),
        (1, lambda: [("X-Request-Id", rng.choice(["", "\x01\x02", "r" * 129, "r" * 20_000, "é", "a b"]))]),
        (1, lambda: [("X-Forwarded-For", rng.choice(["1.2.3.4", "junk", ", ,", "::1, 999.1.1.1", "x" * 5000]))]),
        (1, lambda: [("Origin", rng.choice(["https://evil.example", "null", "http://127.0.0.1", "*", "x" * 5000]))]),
        (1, lambda: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
                     ("Access-Control-Request-Headers", "content-type, " + "x" * 3000)]),
        (1, lambda: [("Authorization", rng.choice(["Bearer", "Bearer ", "Basic eDp5", "Bearer " + "t" * 100_000,
                                                   "bearer x.y.z", "Bearer a.b.c d.e.f"]))]),
        (1, lambda: [("Cookie", "c=" + "v" * 50_000)]), (1, lambda: [("Range", "bytes=0-1,2-3," * 1000)]),
        (1, lambda: [("Accept-Encoding", "gzip;q=" + "9" * 1000)]),
    ])()


def bad_request_line(rng):
    return pick(rng, [
        (1, lambda: b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"), (1, lambda: b"GET /\r\n\r\n"),
        (1, lambda: b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), (1, lambda: b"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        (1, lambda: b"G\x00T / HTTP/1.1\r\n\r\n"), (1, lambda: b"get / http/1.1\r\n\r\n"),
        (1, lambda: b"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n"), (1, lambda: b"GET / HTTP/1.1\n\n"),
        (1, lambda: b"GET / HTTP/1.1\rHost: x\r\r"), (1, lambda: b"BREW /pot HTCPCP/1.0\r\n\r\n"),
        (1, lambda: b"GET\t/\tHTTP/1.1\r\nHost: x\r\n\r\n"),
        (1, lambda: b"GET /" + b"a" * rng.choice((8_000, 70_000, 1_000_000)) + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
        (1, lambda: b"A" * rng.choice((1_000, 100_000)) + b" / HTTP/1.1\r\n\r\n"),
        (1, lambda: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + os.urandom(64)),
        (1, lambda: bytes.fromhex("16030100a5010000a10303") + os.urandom(160)),   # a TLS ClientHello's start
        (1, lambda: b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"),
        (1, lambda: b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
        (1, lambda: b"GET /\xc3\xa9\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"),
        (1, lambda: b"GET / HTTP/1.0\r\n\r\n"), (1, lambda: b"GET / HTTP/1.1\r\n\r\n"),   # no Host
        (1, lambda: b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 10 + b"\r"),
        (1, lambda: os.urandom(rng.choice((1, 16, 4096)))), (1, lambda: b"\r\n" * 5000),
        (1, lambda: b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(200)),
    ])()


def junk_request(rng, secret, routes=ROUTES):
    """One hostile HTTP request: a bad request line, bad headers, a mangled path, a bad
    body or a bad content type, or a bad token."""
    kind = pick(rng, [(2, "line"), (3, "headers"), (3, "path"), (4, "body"), (2, "token")])
    if kind == "line":
        return "bad request line", bad_request_line(rng)
    if kind == "headers":
        method = rng.choice(["GET", "POST", "OPTIONS"])
        path = rng.choice(routes)
        body = bad_json_body(rng) if method == "POST" else b""
        extra = header_abuse(rng)
        names = {(name.decode("latin-1") if isinstance(name, bytes) else name).lower() for name, _ in extra}
        length = not ({"content-length", "transfer-encoding"} & names)
        return "bad headers", wire.request(method, path, [("Content-Type", "application/json")] + extra, body,
                                           length=length)
    if kind == "path":
        method = rng.choice(METHODS)
        path = mangle_path(rng, rng.choice(routes))
        body = bad_json_body(rng) if rng.random() < 0.5 else b""
        return "odd path or method", wire.request(method, path, [("Content-Type", "application/json")], body)
    if kind == "body":
        path = mangle_path(rng, rng.choice(AUTH_ROUTES)) if rng.random() < 0.3 else rng.choice(AUTH_ROUTES)
        content_type = rng.choice(CONTENT_TYPES) if rng.random() < 0.4 else "application/json"
        headers = [("Content-Type", content_type)] if content_type is not None else []
        return "bad api body", wire.request("POST", path, headers, bad_json_body(rng))
    extension = f"{rng.randrange(1000):03}-{rng.randrange(1000):03}"
    credential = token(rng, secret, extension)
    value = pick(rng, [(6, f"Bearer {credential}"), (1, credential), (1, f"Basic {credential}"),
                       (1, f"Bearer  {credential}"), (1, f"Bearer {credential}, Bearer {credential}")])
    path = mangle_path(rng, "/api/turn/credentials") if rng.random() < 0.3 else "/api/turn/credentials"
    return "bad token", wire.request(rng.choice(["GET", "GET", "POST", "HEAD"]), path, [("Authorization", value)])


# Engine.IO

def eio_query(rng, sid=None):
    """A request target for /socket.io/ with parameters wrong in one way or another."""
    eio = pick(rng, [(6, "4"), (1, "3"), (1, "5"), (1, ""), (1, "-1"), (1, "4.0"), (1, "04"),
                     (1, "99999999999999999999"), (1, "4&EIO=3"), (1, "%34")])
    transport = pick(rng, [(6, "polling"), (1, ""), (1, "flashsocket"), (1, "websocket"), (1, "POLLING"),
                           (1, "polling%00"), (1, "polling&transport=websocket")])
    extra = pick(rng, [(6, ""), (1, "&b64=1"), (1, "&t=" + "t" * 10_000), (1, "&j=0"), (1, "&sid="),
                       (1, "&EIO=4&EIO=4"), (1, "&x=%zz")])
    path = pick(rng, [(8, wire.EIO_PATH), (1, "/socket.io"), (1, "//socket.io/"), (1, "/socket.io/x/"),
                      (1, "/SOCKET.IO/"), (1, "/socket.io/%2e%2e/")])
    target = f"{path}?EIO={eio}&transport={transport}"
    if sid is not None:
        target += "&sid=" + sid
    return target + extra


def bad_sid(rng, sid):
    return pick(rng, [(2, lambda: "AAAAAAAAAAAAAAAAAAAA"), (1, lambda: ""), (1, lambda: sid + "x"),
                      (1, lambda: sid[:-1]), (1, lambda: "../" + sid), (1, lambda: sid + "%00"),
                      (1, lambda: "s" * 10_000), (1, lambda: sid.upper()), (1, lambda: "%" + sid)])()


def eio_packet(rng):
    """One Engine.IO packet's text, often not a valid one."""
    return pick(rng, [
        (4, lambda: "4" + sio_packet(rng)), (1, lambda: rng.choice("789x:/ ")), (1, lambda: ""),
        (1, lambda: "0"), (1, lambda: "0{}"), (1, lambda: "1"), (1, lambda: "2"), (1, lambda: "2probe"),
        (1, lambda: "3"), (1, lambda: "3probe"), (1, lambda: "5"), (1, lambda: "6"), (1, lambda: "4"),
        (1, lambda: "b" + base64.b64encode(os.urandom(rng.choice((0, 10, 1000)))).decode()),
        (1, lambda: "b!!!not base64"), (1, lambda: "b"), (1, lambda: "bAAA"),
        (1, lambda: "4" + weird_string(rng)), (1, lambda: "\x00\x01\x02"),
    ])()


def polling_body(rng):
    """A long-polling POST body: packets joined by the record separator, or framing junk."""
    return pick(rng, [
        (5, lambda: wire.SEPARATOR.join(eio_packet(rng) for _ in range(rng.randint(1, 6)))),
        (1, lambda: "4x" + (wire.SEPARATOR + "4x") * rng.choice((1_000, 20_000))),
        (1, lambda: (wire.SEPARATOR + "6") * rng.choice((1_000, 60_000))),
        (1, lambda: wire.SEPARATOR * rng.choice((1, 1000))),
        (1, lambda: b"4\xff\xfe\xfd" + b"\x1e42[\xc0\x80]"),
        (1, lambda: "4" + "a" * (MAX_PAYLOAD + rng.choice((1, 100_000)))),
        (1, lambda: ("4" + "a" * 1000 + wire.SEPARATOR) * (MAX_PAYLOAD // 1000 + 5)),
        (1, lambda: os.urandom(rng.choice((1, 200, 5000)))),
        # Engine.IO v3's length-prefixed framing, with negative and huge lengths
        (1, lambda: rng.choice(["-1:4x", "99999999999:4x", "5:42[]", "2:40" + "9" * 30 + ":4x", "0:", ":::"])),
    ])()


# Socket.IO

def placeholder(num):
    return {"_placeholder": True, "num": num}


def sio_packet(rng, secret=None, extension="000-000"):
    """One Socket.IO packet's text (the part after the Engine.IO `4`)."""
    def connect():
        auth = json.dumps(auth_payload(rng, secret, extension)) if secret else '{"token":"x"}'
        return pick(rng, [(4, "0" + auth), (1, "0"), (1, "0/"), (1, "0/admin," + auth), (1, "0/" + "n" * 10_000 + ","),
                          (1, "0/\x00,"), (1, "0/nsp"), (1, "0{"), (1, "0[1]"), (1, '0"x"'), (1, "0/," + auth),
                          (1, "0/?x=1," + auth), (1, "0" + auth + "trailing")])
    return pick(rng, [
        (3, connect),
        (1, lambda: rng.choice(["1", "1/admin,", "1/", "1{}"])),
        (4, lambda: "2" + rng.choice(["", "[", "[]", "[1]", "[null]", '{"a":1}', '"x"', '["call-user"]',
                                      '["call-user",' + "[" * 10_000, '["call-user",{}]', " []",
                                      '["call-user",' + deep_json_text(rng) + "]",
                                      '["' + "e" * 100_000 + '"]', '["__proto__",{"a":1}]',
                                      '["call-user",{"targetExtension":"123-456"}]' + "x"])),
        (2, lambda: "2" + rng.choice(["/admin,", "-1", "99999999999999999999999", "1.5", "/,", "0x1", "+1",
                                      "9" * 400]) + '["call-user",{}]'),
        (2, lambda: "3" + rng.choice(["", "[]", "99999999999[\"x\"]", "0[]", "-1[]", "abc", "1", "1{}",
                                      "18446744073709551616[]"])),
        (1, lambda: "4" + rng.choice(['{"message":"x"}', "", "{"])),
        (3, lambda: "5" + rng.choice(["1-", "-1-", "0-", "99999999999999999-", "abc-", "1", "2-", "1-/admin,",
                                      "1-12", "1000000-"]) + json.dumps(["call-user", {
                                          "targetExtension": "123-456",
                                          "offer": placeholder(rng.choice([0, 1, -1, "0", 1e300, None, 5]))}])),
        (1, lambda: "6" + rng.choice(["1-0", "0-", "999-", "1-"]) + json.dumps([placeholder(0)])),
        (1, lambda: rng.choice("789x") + "[]"),
    ])()


# Call events

def extension_value(rng, own, others):
    """A targetExtension: someone real, a stranger, self, or not an extension at all."""
    return pick(rng, [
        (4, lambda: rng.choice(others) if others else own),
        (2, lambda: f"9{rng.randrange(100):02}-{rng.randrange(1000):03}"),
        (1, lambda: own), (1, lambda: "12-34"), (1, lambda: "123-4567"), (1, lambda: "١٢٣-٤٥٦"),
        (1, lambda: own + "\x00"), (1, lambda: " " + own), (1, lambda: own.replace("-", "")),
        (1, lambda: own.replace("-", "\u2011")), (2, lambda: wrong_value(rng)),
    ])()


def description(rng, kind):
    """An offer or answer: mostly wrong."""
    sdp = pick(rng, [(3, lambda: SDP), (1, lambda: "x=0\r\n"), (1, lambda: ""), (1, lambda: "v=0"),
                     (1, lambda: "v=0\r\n" + "a=x\r\n" * (SDP_LIMIT // 5)), (1, lambda: "v=0\r\n" + "\x00" * 100),
                     (1, lambda: SDP * 3)])()
    other = "answer" if kind == "offer" else "offer"
    return pick(rng, [
        (3, lambda: {"type": kind, "sdp": sdp}), (1, lambda: {"type": other, "sdp": sdp}), (1, lambda: {"sdp": sdp}),
        (1, lambda: {"type": kind}), (1, lambda: {"type": kind, "sdp": wrong_value(rng)}),
        (1, lambda: {"type": wrong_value(rng), "sdp": SDP}),
        (1, lambda: {"type": kind, "sdp": SDP, "extra": nested(300)}),
        (1, lambda: wrong_value(rng)), (1, lambda: sdp),
        (1, lambda: {"type": kind, "sdp": SDP, "type ": "x", "__proto__": {"type": "x"}}),
    ])()


def candidate(rng):
    return pick(rng, [
        (3, lambda: {"candidate": CANDIDATE, "sdpMLineIndex": 0, "sdpMid": "0"}), (1, lambda: {"candidate": ""}),
        (1, lambda: {"candidate": "candidate:" + "x" * rng.choice((10, 5000, 200_000))}),
        (1, lambda: {"candidate": "not a candidate"}),
        (1, lambda: {"candidate": CANDIDATE, "sdpMLineIndex": rng.choice([-1, 1e300, "0", None, 2 ** 64])}),
        (1, lambda: {"candidate": CANDIDATE, "sdpMid": weird_string(rng)}),
        (1, lambda: {"candidate": wrong_value(rng)}), (1, lambda: {}), (1, lambda: wrong_value(rng)),
        (1, lambda: CANDIDATE),
    ])()


def call_event(rng, own, others):
    """(event name, arguments) for a call event, most of them wrong."""
    name = pick(rng, [(8, rng.choice(CALL_EVENTS)), (1, rng.choice(OTHER_EVENTS))])
    body = {"targetExtension": extension_value(rng, own, others)}
    if name in ("call-user", "make-answer"):
        body["offer"] = description(rng, "offer")
    elif name == "answer-call":
        body["answer"] = description(rng, "answer")
    elif name == "ice-candidate":
        body["candidate"] = candidate(rng)
    if rng.random() < 0.2 and len(body) > 1:
        del body[rng.choice(sorted(body))]
    args = [body]
    shape = rng.random()
    if shape < 0.1:
        args = [wrong_value(rng)]
    elif shape < 0.15:
        args = []
    elif shape < 0.22:
        args = [body] + [wrong_value(rng) for _ in range(rng.randint(1, 4))]
    return name, args


def ack_id(rng):
    return pick(rng, [(6, None), (3, rng.randrange(1, 1000)), (1, 2 ** 53 + 1), (1, 10 ** 25), (1, 0),
                      (1, "9" * 400)])


# WebSocket

def ws_upgrade(rng, target, key=None, good=True):
    """An upgrade request; with `good` False, wrong in one respect."""
    key = key or wire.ws_key()
    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13"}
    method, version = "GET", "HTTP/1.1"
    if not good:
        change = rng.randrange(14)
        if change == 0:
            del headers["Sec-WebSocket-Key"]
        elif change == 1:
            headers["Sec-WebSocket-Key"] = rng.choice(["short", "!" * 24, "", "x" * 5000])
        elif change == 2:
            headers["Sec-WebSocket-Version"] = rng.choice(["8", "12", "99", "", "13, 13"])
        elif change == 3:
            del headers["Sec-WebSocket-Version"]
        elif change == 4:
            headers["Upgrade"] = rng.choice(["websocketx", "h2c", "", "WebSocket"])
        elif change == 5:
            headers["Connection"] = rng.choice(["keep-alive", "close", "upgrade, close"])
        elif change == 6:
            method = rng.choice(["POST", "PUT", "HEAD"])
        elif change == 7:
            version = "HTTP/1.0"
        elif change == 8:
            headers["Sec-WebSocket-Extensions"] = "permessage-deflate; client_max_window_bits"
        elif change == 9:
            headers["Sec-WebSocket-Protocol"] = "chat, " + "p" * 3000
        elif change == 10:
            headers["Origin"] = "https://evil.example"
        elif change == 11:
            del headers["Upgrade"]
        elif change == 12:
            headers["Content-Length"] = "10"
        else:
            headers["Sec-WebSocket-Key"] = key + key
    return wire.request(method, target, list(headers.items()), version=version), key


def ws_abuse(rng):
    """A run of client frames that break RFC 6455 (or are merely odd): (label, bytes)."""
    f = wire.ws_frame
    close_code = rng.choice([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535, 1000, 4000])
    options = [
        ("unmasked text", lambda: f(1, "42[\"x\"]", mask=False)),
        ("reserved bits", lambda: f(1, "4", rsv=rng.randint(1, 7))),
        ("reserved opcode", lambda: f(rng.choice([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), b"x")),
        ("long ping", lambda: f(9, b"p" * rng.choice((126, 1000, 70_000)))),
        ("fragmented ping", lambda: f(9, b"p", fin=False) + f(0, b"q")),
        ("lone continuation", lambda: f(0, b"4x")),
        ("second start inside a message", lambda: f(1, "4", fin=False) + f(1, "2[]", fin=False) + f(0, "x")),
        ("length 2^63-1, few bytes", lambda: f(2, b"x" * 16, length=(1 << 63) - 1)),
        ("length with the top bit set", lambda: f(1, b"x" * 16, length=1 << 63)),
        ("length over maxPayload, stalls", lambda: f(1, b"4" + b"a" * 2000, length=MAX_PAYLOAD + 10)),
        ("non-minimal length", lambda: f(1, b"40")[:1] + bytes([0x80 | 126]) + b"\x00\x02" + b"\0\0\0\0" + b"40"),
        ("invalid utf-8 text", lambda: f(1, b"42[\"\xff\xfe\"]")),
        ("split utf-8 across fragments", lambda: f(1, b"4\xc3", fin=False) + f(0, b"\xa9")),
        ("close with code", lambda: f(8, close_code.to_bytes(2, "big") + b"bye")),
        ("close with one byte", lambda: f(8, b"\x03")),
        ("close with bad utf-8 reason", lambda: f(8, b"\x03\xe8\xff\xfe")),
        ("close then data", lambda: f(8, b"\x03\xe8") + f(1, "42[\"call-user\",{}]") * 5),
        ("text over maxPayload", lambda: f(1, b"4" + b"a" * (MAX_PAYLOAD + rng.choice((1, 50_000))))),
        ("fragments over maxPayload", lambda: f(1, b"4" + b"a" * 1000, fin=False)
            + f(0, b"a" * 1001, fin=False) * (MAX_PAYLOAD // 1001 + 2) + f(0, b"a")),
        ("many tiny fragments", lambda: f(1, b"4", fin=False) + f(0, b"a", fin=False) * rng.choice((1000, 20_000))
            + f(0, b"]")),
        ("binary message", lambda: f(2, os.urandom(rng.choice((0, 10, 5000))))),
        ("pings", lambda: f(9, b"p" * 125) * rng.choice((10, 500))),
        ("unsolicited pongs", lambda: f(10, b"x" * 125) * 50),
        ("empty frames", lambda: f(1, b"") * 200),
        ("random bytes", lambda: os.urandom(rng.choice((1, 7, 300, 10_000)))),
    ]
    label, make = rng.choice(options)
    return label, make()
