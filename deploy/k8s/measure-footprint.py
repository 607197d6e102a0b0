#!/usr/bin/env python3
"""The figures behind the resource requests in deploy/k8s/base: idle RSS, RSS
under load and time from exec to /readyz answering 200, of the four release
binaries started as `make run` starts them, on a scratch database.

    cargo build --release --bins && python3 deploy/k8s/measure-footprint.py

Load: receipt renders 200 statements from 4 clients (every fifth of 200 lines),
messaging takes 1,000 sends from 8 clients (record provider), the scheduler
syncs one 3,000-row day from a local aT stand-in through its HTTP trigger.
Core's figure under load comes from `make bench-core` (sample the `core`
process's VmHWM, e.g. with CORE_BIN pointing at a wrapper that records its pid).
Only loopback addresses; the scratch database is dropped at the end.
"""
import json, os, socket, subprocess, sys, threading, time, urllib.error, urllib.request, http.server, socketserver

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("BIN", os.path.join(ROOT, "target", "release"))
SERVER = os.environ.get("TEST_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
DB = f"{SERVER}/mb_measure_deploy"
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
PORTS = {s: free_port() for s in ("core", "receipt", "messaging", "scheduler")}
SCRATCH = f"/tmp/measure-footprint-{os.getpid()}"
os.makedirs(SCRATCH, exist_ok=True)

def rss(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            out[k] = int(v.split()[0]) / 1024
    return out

def call(method, url, body=None, headers=None, timeout=120):
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

subprocess.run(["psql", f"{SERVER}/postgres", "-qc", "DROP DATABASE IF EXISTS mb_measure_deploy"], check=True)
subprocess.run([f"{BIN}/migrate"], env={**os.environ, "DATABASE_URL": DB}, check=True, stdout=subprocess.DEVNULL)
keys = dict(l.split("=", 1) for l in subprocess.run([f"{BIN}/core", "keys", "generate"], capture_output=True, text=True, check=True).stdout.splitlines() if "=" in l and not l.startswith("#"))
TOKEN = keys["SERVICE_TOKEN"]
base = {"PATH": os.environ["PATH"], "DATABASE_URL": DB, "HOST": "127.0.0.1", "RUST_LOG": "warn",
        "CORS_ALLOWED_ORIGINS": "*", "RECEIPT_LOCAL_DIR": f"{SCRATCH}/receipts", "AUCTION_API_KEY": "measure",
        "SCHEDULER_TRIGGER_TOKEN": "measure-trigger", "ORDER_BATCH_AT": "off", **keys}
for s, p in PORTS.items():
    base[f"{s.upper()}_PORT"] = str(p)
    base[f"{s.upper()}_URL"] = f"http://127.0.0.1:{p}"

# aT stand-in: 3,000 rows for the asked day, in pages.
ROWS = 3000
class AT(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        from urllib.parse import urlparse, parse_qs
        q = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        size, page = int(q["countPerPage"]), int(q["currentPage"])
        cat = q.get("flowerGubn", "1")
        start = (page - 1) * size
        n = max(0, min(size, ROWS - start)) if cat == "1" else 0
        items = [{"saleDate": q["baseDate"], "flowerGubn": "절화", "pumName": f"품목{(start+i)%60}", "goodName": f"품종{start+i}",
                  "lvNm": "특1", "maxAmt": "12000", "minAmt": "5000", "avgAmt": "8000", "totAmt": "800000", "totQty": "100"} for i in range(n)]
        body = json.dumps({"response": {"resultCd": "0", "resultMsg": "OK", "numOfRows": str(n), "items": items}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
at = socketserver.ThreadingTCPServer(("127.0.0.1", 0), AT); at.daemon_threads = True
base["AUCTION_API_URL"] = f"http://127.0.0.1:{at.server_address[1]}/api/returnData.api"
threading.Thread(target=at.serve_forever, daemon=True).start()

def start(service):
    t0 = time.monotonic()
    proc = subprocess.Popen([f"{BIN}/{service}"], env=base, stdout=subprocess.DEVNULL, stderr=open(f"{SCRATCH}/{service}.log", "w"))
    url = f"http://127.0.0.1:{PORTS[service]}/readyz"
    while True:
        try:
            if call("GET", url, timeout=1)[0] == 200:
                break
        except Exception:
            pass
        if proc.poll() is not None:
            sys.exit(f"{service} exited: {open(f'{SCRATCH}/{service}.log').read()}")
        time.sleep(0.002)
    return proc, (time.monotonic() - t0) * 1000

def peak_during(pid, work):
    peak = [0.0]; done = threading.Event()
    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss(pid)["VmRSS"]); time.sleep(0.02)
    t = threading.Thread(target=sample); t.start()
    t0 = time.monotonic(); info = work(); dt = time.monotonic() - t0
    done.set(); t.join()
    return peak[0], rss(pid)["VmHWM"], dt, info

def parallel(n, per, fn):
    errors = []
    def run(i):
        for j in range(per):
            st = fn(i, j)
            if st >= 400: errors.append(st)
    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    [t.start() for t in ts]; [t.join() for t in ts]
    return f"{n*per} requests, {len(errors)} errors {sorted(set(errors))}"

SVC = {"Authorization": f"Bearer {TOKEN}"}
def render(i, j):
    lines = 200 if j % 5 == 0 else 20
    body = {"orderNo": f"M-{i}-{j}", "retailer": {"name": "꽃집"},
            "wholesaler": {"businessNo": "123-45-67890", "companyName": "양재꽃도매", "employerName": "김사장", "sealStampImgUrl": "",
                           "address": "서울 서초구 강남대로 27", "companyPhoneNo": "02-123-4567", "businessMainCategory": "도소매",
                           "businessSubCategory": "화훼", "bankAccount": "국민 123-456"},
            "orderItems": [{"flower": {"name": f"장미{k}", "flowerType": {"name": "장미"}}, "quantity": 3, "grade": "상", "price": 12000} for k in range(lines)]}
    return call("POST", f"http://127.0.0.1:{PORTS['receipt']}/v1/receipts/render", body, SVC)[0]
def sms(i, j):
    return call("POST", f"http://127.0.0.1:{PORTS['messaging']}/v1/sms",
                {"to": f"010-{1000+i}-{j:04d}", "template": "ConfirmBizConnection", "args": ["그린도매", "그린도매", "https://marketbill.co.kr/retail/signin"]} , {**SVC, "Idempotency-Key": f"m-{i}-{j}-{time.time()}"})[0]
def sync():
    st, body = call("POST", f"http://127.0.0.1:{PORTS['scheduler']}/v1/jobs/auction-sync", {}, {"Authorization": "Bearer measure-trigger"}, timeout=600)
    return f"sync {st}: {body[:160]!r}"

results = {}
procs = {}
for s in PORTS:
    proc, ready = start(s)
    procs[s] = proc
    time.sleep(3)
    results[s] = {"ready_ms": round(ready, 1), "idle_rss_mib": round(rss(proc.pid)["VmRSS"], 1)}
loads = {
    "receipt": lambda: parallel(4, 50, render),
    "messaging": lambda: parallel(8, 125, sms),
    "scheduler": sync,
}
for s, work in loads.items():
    peak, hwm, dt, info = peak_during(procs[s].pid, work)
    time.sleep(2)
    results[s].update({"load": info, "load_s": round(dt, 1), "peak_rss_mib": round(max(peak, hwm), 1), "after_rss_mib": round(rss(procs[s].pid)["VmRSS"], 1)})
for p in procs.values():
    p.terminate(); p.wait()
at.shutdown()
subprocess.run(["psql", f"{SERVER}/postgres", "-qc", "DROP DATABASE IF EXISTS mb_measure_deploy"])
import shutil; shutil.rmtree(SCRATCH, ignore_errors=True)
print(json.dumps(results, indent=1, ensure_ascii=False))
