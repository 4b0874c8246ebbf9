#!/usr/bin/env python3
"""http_api.py KZ DATA TMP - `kzsearch serve` over real HTTP on 127.0.0.1.

Starts servers on free ports and checks every endpoint and error status, that
/api/search returns exactly the hit objects of `kzsearch --json`, that writes
need the key and are committed before the reply (also two clients at once),
that a commit by `kzsearch index` shows without a restart, CORS for one origin
only, and hostile clients: a malformed request line, invalid UTF-8, a NUL, bad
percent escapes, `..`, an over-long URL, a body over the limit, a client that
sends a byte a second (cut off without stalling others), more connections than
the limit, and that the server keeps serving after each. SIGTERM stops it
cleanly. Prints "N passed, N failed".
"""
import http.client, json, os, re, signal, socket, subprocess, sys, threading, time

KZ, DATA, TMP = sys.argv[1:4]
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   - " + name)
    else:
        failed += 1
        print("FAIL - " + name + (": " + str(detail) if detail else ""))


def start(idx, *extra):
    out = open(os.path.join(TMP, "serve.out"), "w+")
    err = open(os.path.join(TMP, "serve.err"), "w+")
    p = subprocess.Popen([KZ, "serve", "-i", idx, "--listen", "127.0.0.1:0", "--threads", "2", *extra],
                         stdout=out, stderr=err)
    for _ in range(200):
        out.seek(0)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", out.read())
        if m:
            return p, int(m.group(1))
        if p.poll() is not None:
            break
        time.sleep(0.05)
    err.seek(0)
    raise SystemExit("serve did not start: " + err.read())


def request(port, method, target, body=None, headers=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.putrequest(method, target, skip_accept_encoding=True)
    for k, v in (headers or {}).items():
        c.putheader(k, v)
    if body is not None:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def jget(port, target, **kw):
    s, h, d = request(port, "GET", target, **kw)
    return s, json.loads(d) if d else None


def raw(port, data, timeout=5):
    """Sends raw bytes, returns the status line (or '' when the server closed)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        got = s.recv(4096)
    except (socket.timeout, ConnectionError):
        got = b""
    s.close()
    return got.split(b"\r\n", 1)[0].decode("latin-1")


idx = os.path.join(TMP, "idx")
subprocess.run([KZ, "index", "-i", idx, DATA], check=True, capture_output=True)
key = os.path.join(TMP, "key")
with open(key, "w") as f:
    f.write("k3y-for-tests\n")
auth = {"Authorization": "Bearer k3y-for-tests"}
srv, port = start(idx, "--api-key-file", key, "--cors-origin", "http://news.example",
                  "--request-timeout", "2", "--max-connections", "32")
alive = lambda: jget(port, "/api/health")[0] == 200

# Search: the same hit objects as --json, and the summary's total.
for q in ["CSTO peacekeeping", '"state of emergency"', "+almaty -troops", "tokayev OR nazarbayev"]:
    cli = subprocess.run([KZ, "-i", idx, "--json", "-k", "3", q], capture_output=True, text=True)
    lines = [json.loads(l) for l in cli.stdout.splitlines()]
    hits = [l for l in lines if l["type"] == "hit"]
    total = [l for l in lines if l["type"] == "summary"][0]["total"]
    s, body = jget(port, "/api/search?" + __import__("urllib.parse").parse.urlencode({"q": q, "k": 3}))
    check("search %r: 200, the --json hits and total" % q,
          s == 200 and body["hits"] == hits and body["total"] == total, (s, body and body.get("total"), total))
s, h, d = request(port, "POST", "/api/search", json.dumps({"q": "CSTO peacekeeping", "k": 3}).encode(),
                  {"Content-Type": "application/json"})
check("POST /api/search gives the GET result", s == 200 and json.loads(d)["hits"] == jget(port, "/api/search?q=CSTO+peacekeeping&k=3")[1]["hits"])
# The ranking options by their CLI names: the same hits as the CLI with them.
for params, args in [({"title-weight": "2", "proximity": "true"}, ["--title-weight", "2", "--proximity"]),
                     ({"rm3": "true", "rm3-terms": "5"}, ["--rm3", "--rm3-terms", "5"]),
                     ({"recency": "1d", "recency-decay": "gauss"}, ["--recency", "1d", "--recency-decay", "gauss"])]:
    cli = subprocess.run([KZ, "-i", idx, "--json", "-k", "3"] + args + ["kazakhstan protests"], capture_output=True, text=True)
    hits = [l for l in map(json.loads, cli.stdout.splitlines()) if l["type"] == "hit"]
    s, body = jget(port, "/api/search?" + __import__("urllib.parse").parse.urlencode(dict(q="kazakhstan protests", k=3, **params)))
    check("search with %s: the CLI's hits with %s" % (params, " ".join(args)), s == 200 and body["hits"] == hits, (s, body))

# Explain: the hits and the query's tree of `--explain --json`; each tree adds up to its hit's score.
def leaves(e):
    return sum(leaves(c) for c in e.get("children", [])) if e["kind"] == "sum" else e["value"]
q = '"state of emergency" almaty -zzz'
cli = subprocess.run([KZ, "-i", idx, "--json", "--explain", "-k", "3", q], capture_output=True, text=True)
lines = [json.loads(l) for l in cli.stdout.splitlines()]
s, body = jget(port, "/api/search?" + __import__("urllib.parse").parse.urlencode({"q": q, "k": 3, "explain": 1}))
check("explain=1: the hits and query of --explain --json",
      s == 200 and body["hits"] == [l for l in lines if l["type"] == "hit"] and
      body.get("query") == lines[-1].get("query") and body["query"]["kind"] == "query", (s, body))
check("explain=1: every hit's explanation adds up to its score",
      s == 200 and body["hits"] and all(abs(leaves(h["explanation"]) - h["score"]) <= 1e-6 * h["score"]
                                        for h in body["hits"]), body)
s, body = jget(port, "/api/search?q=almaty")
check("without explain, no explanation", s == 200 and "query" not in body and
      all("explanation" not in h for h in body["hits"]), body)

# Errors: status and the error object.
for target, want in [("/api/search", 400), ("/api/search?q=(csto", 400), ("/api/search?q=a&k=0", 400),
                     ("/api/search?q=%zz", 400), ("/api/search?q=%ff", 400), ("/api/search?q=a%00", 400),
                     ("/api/search?q=a&bogus=1", 400), ("/api/search?q=a&explain=maybe", 400),
                     ("/api/search?q=a&explain=1&count=1", 400), ("/api/search?q=a&title-weight=-1", 400),
                     ("/api/search?q=a&recency=soon", 400), ("/api/nothing", 404), ("/api/documents/nope", 404),
                     ("/api/../x", 400)]:
    s, body = jget(port, target)
    check("GET %s -> %d with an error object" % (target, want),
          s == want and isinstance(body, dict) and "message" in body.get("error", {}), (s, body))
s, body = jget(port, "/api/search?q=(csto")
check("a malformed query gives its position", body["error"].get("position") == 0, body)
s, h, d = request(port, "PUT", "/api/search?q=a")
check("PUT /api/search -> 405 with Allow", s == 405 and h.get("allow") == "GET, POST", (s, h))
s, h, d = request(port, "POST", "/api/search", b"q=a", {"Content-Type": "application/x-www-form-urlencoded"})
check("POST /api/search form-encoded -> 415", s == 415, s)
big = ("POST /api/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k3y-for-tests\r\n"
       "Content-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n" % (33 << 20)).encode()
check("a body announced over 32 MiB -> 413 before it is read", " 413 " in raw(port, big + b"x" * 1024) + " ")
def chunked_over_limit():
    """Returns the status line, or 'reset' when the server stopped reading and closed first."""
    s_ = socket.create_connection(("127.0.0.1", port), timeout=20)
    s_.sendall(b"POST /api/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k3y-for-tests\r\n"
               b"Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b'{"id":"big","body":"' + b"x" * (1 << 20) + b'"}\n'
    try:
        for _ in range(34):
            s_.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        s_.sendall(b"0\r\n\r\n")
        line = s_.recv(4096).split(b"\r\n", 1)[0].decode()
    except OSError:
        line = "reset"
    s_.close()
    return line
# The server answers 413 as soon as the body passes the limit and reads no more, so a
# client still sending sees either the 413 or the connection reset under it.
got = chunked_over_limit()
check("a chunked body over 32 MiB -> 413 (or reset while still sending)", " 413 " in got + " " or got == "reset", got)
check("... and nothing of it was added", jget(port, "/api/documents/big")[0] == 404)
check("over-long URL -> 414 or 431", raw(port, b"GET /api/search?q=" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n").split(" ")[1:2][0] in ("414", "431"))
# libmicrohttpd closes the connection on a request line it cannot parse.
check("malformed request line -> 400 or closed", raw(port, b"GARBAGE\r\n\r\n") in ("", ) or " 400 " in raw(port, b"GARBAGE\r\n\r\n") + " ")
check("unsupported HTTP version -> 505", " 505 " in raw(port, b"GET / HTTP/9.9\r\nHost: x\r\n\r\n") + " ")
check("invalid UTF-8 in the target -> 400", " 400 " in raw(port, b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n") + " ")
check("the server still serves", alive())

# Writes: the key, commits before the reply, two clients at once.
nd = b'{"id":"w1","title":"Nazarbayev steps down","body":"Elbasy"}\n'
s, h, d = request(port, "POST", "/api/documents", nd, {"Content-Type": "application/x-ndjson"})
check("POST /api/documents without the key -> 401", s == 401 and h.get("www-authenticate") == "Bearer", s)
s, h, d = request(port, "POST", "/api/documents", nd, {"Content-Type": "application/x-ndjson", "Authorization": "Bearer nope"})
check("with a wrong key -> 401", s == 401, s)
s, h, d = request(port, "POST", "/api/documents", nd, {**auth, "Content-Type": "application/x-ndjson"})
check("with the key -> 200 and the counts", s == 200 and json.loads(d)["added"] == 1, (s, d))
s, body = jget(port, "/api/search?q=elbasy")
check("the acknowledged document is found at once", body["total"] == 1 and body["hits"][0]["id"] == "w1", body)
s, body = jget(port, "/api/documents/w1")
check("GET /api/documents/{id} returns the article", s == 200 and body["body"] == "Elbasy" and body["title"] == "Nazarbayev steps down", body)
results = []
def writer(n):
    lines = b"".join(b'{"id":"t%d-%d","title":"Twin writer","body":"concurrent %d"}\n' % (n, i, n) for i in range(20))
    results.append(request(port, "POST", "/api/documents", lines, {**auth, "Content-Type": "application/x-ndjson"})[0])
ts = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
s, body = jget(port, "/api/search?q=twin+writer&and=true&count=true")
check("two clients writing at once: both 200, all 40 documents found", results == [200, 200] and body["total"] == 40, (results, body))
s, h, d = request(port, "DELETE", "/api/documents/w1", headers=auth)
check("DELETE /api/documents/{id} -> 200", s == 200, s)
check("then it is gone", jget(port, "/api/documents/w1")[0] == 404)

# A commit of another process becomes visible without a restart.
extra = os.path.join(TMP, "extra.jsonl")
with open(extra, "w") as f:
    f.write('{"id":"cli-1","title":"Zhanaozen again","body":"Mangystau region"}\n')
subprocess.run([KZ, "index", "-i", idx, extra], check=True, capture_output=True)
s, body = jget(port, "/api/search?q=mangystau&count=true")
check("kzsearch index's commit is visible to the next search", body["total"] >= 1, body)

# CORS for the configured origin only.
s, h, d = request(port, "GET", "/api/health", headers={"Origin": "http://news.example"})
check("CORS header for the configured origin", h.get("access-control-allow-origin") == "http://news.example", h)
s, h, d = request(port, "GET", "/api/health", headers={"Origin": "http://evil.example"})
check("no CORS header for another origin", "access-control-allow-origin" not in h, h)

# A slow client is cut off without stalling anyone.
slow = socket.create_connection(("127.0.0.1", port), timeout=10)
t0 = time.time(); cut = False; fast_ok = True
for ch in b"GET /api/health HTTP/1.1\r\nHost: x\r\n":
    try:
        slow.sendall(bytes([ch]))
    except OSError:
        cut = True; break
    fast_ok &= alive()
    time.sleep(0.5)
    if time.time() - t0 > 8:
        break
if not cut:
    try:
        slow.settimeout(3)
        cut = slow.recv(100) == b""
    except (socket.timeout, OSError):
        cut = True
slow.close()
check("a client sending a byte every half second is cut off (--request-timeout 2)", cut and time.time() - t0 < 9, time.time() - t0)
check("others were served meanwhile", fast_ok)

# More connections than the limit: refused or closed, never a crash.
socks = []
for _ in range(60):
    try:
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError:
        break
for s_ in socks:
    s_.close()
time.sleep(0.3)
check("after 60 connections against a limit of 32 the server still serves", alive())

# SIGTERM stops it cleanly.
srv.send_signal(signal.SIGTERM)
try:
    rc = srv.wait(timeout=10)
except subprocess.TimeoutExpired:
    srv.kill(); rc = -1
check("SIGTERM: exit 0", rc == 0, rc)

# Without a key file every write is refused.
srv, port = start(idx)
s, h, d = request(port, "POST", "/api/documents", nd, {**auth, "Content-Type": "application/x-ndjson"})
check("read-only server: writes -> 403", s == 403, s)
srv.send_signal(signal.SIGINT)
check("SIGINT: exit 0", srv.wait(timeout=10) == 0)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
