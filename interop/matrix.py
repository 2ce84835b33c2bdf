#!/usr/bin/env python3
"""matrix.py: the TLS interop matrix, and the residue scan of every cell.

Each cell is one server and one client (OpenSSL 3 and BoringSSL programs,
Debian's openssl s_server/s_client, curl and nginx, BoringSSL's bssl), a TLS
version, a key-exchange group, a cipher and whether the second connection
resumes the first. It runs twice: with secretmode (the OpenSSL shim preloaded,
or BoringSSL patched with the link-time shim) and without (Debian's OpenSSL as
it is, stock BoringSSL). After the client has closed its connections, keyscan
searches the server (every process of it) and, for the clients that stay
alive after closing (interop/programs/tls_client), the client, for every
secret, key and IV of the client's key log.

A cell passes when the data went both ways and, with secretmode, keyscan
found the keys while the first connection was open (where the client can be
held open: every client but curl) and finds no residue after close. TLS 1.2
master secrets found in a server are counted on their own ("+N TLS 1.2
master"): a server keeps them on purpose while their session is cached, so
they are reported beside the residues, never hidden; with secretmode a copy
outside the secret arena or a shared session cache counts as a residue.

  matrix.py --tools DIR [--results FILE] [--only SUBSTRING] [--demo]

--tools: the Bazel runfiles directory holding the programs (interop/matrix.sh
passes it; see interop/BUILD.bazel). --results: write the Markdown table
there (interop/RESULTS.md). --demo: run the README's demo instead (one
connection to openssl s_server with and without the shim, both keyscan
reports side by side). Exit status: 0 when every cell passes, 1 otherwise,
2 on a setup error.
"""

import json
import os
import random
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REQUEST = b"GET / HTTP/1.0\r\n\r\n"
TIMEOUT = 20  # seconds for any one program step


class SetupError(Exception):
    pass


# ---- Where things are ----

class Tools:
    def __init__(self, root):
        def find(rel):
            path = os.path.join(root, rel)
            if not os.path.exists(path):
                raise SetupError(f"missing {path}")
            return path
        self.keyscan = find("secretmode/keyscan/keyscan")
        self.shim = find("secretmode/shim/openssl/libsecretmode_openssl.so")
        self.bssl = find("boringssl/bssl")
        self.bssl_stock = find("boringssl_stock/bssl")
        programs = "secretmode/interop/programs/"
        self.client_openssl = find(programs + "tls_client_openssl")
        self.client_boringssl = find(programs + "tls_client_boringssl")
        self.client_boringssl_stock = find(programs + "tls_client_boringssl_stock")
        for program in ("openssl", "curl", "nginx"):
            if shutil.which(program) is None and not os.path.exists("/usr/sbin/" + program):
                raise SetupError(f"{program} is not installed (scripts/setup.sh installs it)")
        self.nginx = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    for _ in range(50):
        port = random.randint(20000, 60000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SetupError("no free port")


def wait_listening(port, proc, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def process_tree(pid):
    """pid and its descendants (nginx's workers)."""
    pids, queue = [], [pid]
    while queue:
        p = queue.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    queue.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


# ---- Servers: each starts on a free port and is stopped by its PID ----

def openssl_version_flags(cell):
    return ["-tls1_3"] if cell["version"] == "1.3" else ["-tls1_2"]


def start_server(tools, cell, secure, work):
    """Starts the cell's server on a free port; returns (process, port). A
    port another process took meanwhile (another matrix on this machine, say)
    makes it try another one, up to five times."""
    log_path = os.path.join(work, "server.log")
    for _ in range(5):
        port = free_port()
        cmd, env = server_command(tools, cell, secure, work, port)
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        if wait_listening(port, proc) and listens_on(proc.pid, port):
            return proc, port
        stop(proc)
    with open(log_path, errors="replace") as f:
        raise SetupError(f"{cell['server']} did not start: {f.read()[-500:]}")


def listens_on(pid, port):
    """Whether the listening socket on `port` belongs to pid or its children."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for row in f:
                    fields = row.split()
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    if local_port == port and fields[3] == "0A":  # LISTEN
                        inodes.add(fields[9])
        except OSError:
            continue
    for p in process_tree(pid):
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                link = os.readlink(f"/proc/{p}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return True
        except OSError:
            continue
    return False


def server_command(tools, cell, secure, work, port):
    """The command line and environment of the cell's server on `port`."""
    kind = cell["server"]
    env = dict(os.environ)
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    if kind == "openssl s_server":
        cmd = ["openssl", "s_server", "-accept", str(port), "-cert", cert, "-key", key,
               "-www", "-groups", cell["group"]] + openssl_version_flags(cell)
        if cell["cipher"]:
            cmd += (["-ciphersuites", cell["cipher"]] if cell["version"] == "1.3"
                    else ["-cipher", cell["cipher"]])
        if secure:
            env["LD_PRELOAD"] = tools.shim
    elif kind == "bssl server":
        v = "tls" + cell["version"]
        cmd = [tools.bssl if secure else tools.bssl_stock, "server", "-accept", str(port),
               "-cert", cert, "-key", key, "-www", "-loop", "-min-version", v,
               "-max-version", v, "-curves", cell["group"]]
        if cell["cipher"] and cell["version"] == "1.2":
            cmd += ["-cipher", cell["cipher"]]
    elif kind == "nginx":
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_config(cell, port, work, cert, key))
        cmd = [tools.nginx, "-p", work, "-c", conf]
        if secure:
            env["LD_PRELOAD"] = tools.shim
    else:
        raise SetupError(f"unknown server {kind}")
    return cmd, env


def nginx_config(cell, port, work, cert, key):
    protocol = "TLSv1.3" if cell["version"] == "1.3" else "TLSv1.2"
    ciphers = ""
    if cell["cipher"]:
        ciphers = (f"ssl_conf_command Ciphersuites {cell['cipher']};" if cell["version"] == "1.3"
                   else f"ssl_ciphers {cell['cipher']};")
    return f"""daemon off;
master_process on;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx_error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {work}/body;
  proxy_temp_path {work}/proxy;
  fastcgi_temp_path {work}/fastcgi;
  uwsgi_temp_path {work}/uwsgi;
  scgi_temp_path {work}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols {protocol};
    ssl_ecdh_curve {cell['group']};
    {ciphers}
    ssl_session_cache shared:tls:1m;
    location / {{ return 200 "secretmode interop: nginx\\n"; }}
  }}
}}
"""


def stop(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---- Clients: each sends REQUEST and reads the server's answer ----

def run_client(tools, cell, secure, port, keylog, work, on_open=None):
    """Returns (ok, detail, paused_process_or_None). `on_open(client_pid)` is
    called while the first connection is open, after its handshake, where the
    client can be held there (tls_client, s_client, bssl client; not curl);
    client_pid is the client's when it can be scanned (tls_client), else None."""
    target = f"127.0.0.1:{port}"
    if cell["client"].startswith("tls_client"):
        return run_scannable_client(tools, cell, secure, target, keylog, work, on_open)
    kind = cell["client"]
    marker = {"openssl s_client": b"Verify return code", "bssl client": b"Cipher:"}.get(kind)
    session = os.path.join(work, "session.pem")
    outputs = []
    for i in range(2 if cell["resume"] else 1):
        cmd, env = client_command(tools, cell, secure, target, keylog, session, first=i == 0)
        if i == 0 and on_open is not None and marker is not None:
            output = run_held_open(cmd, env, marker, on_open)
            if output is None:
                return False, f"{kind} did not finish its handshake", None
            outputs.append(output)
            continue
        try:
            done = subprocess.run(cmd, env=env, input=REQUEST if kind != "curl" else None,
                                  capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return False, f"{kind} timed out", None
        outputs.append(done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace"))
    answer = "".join(outputs)
    if "200" not in answer and "secretmode interop" not in answer:
        return False, f"no HTTP answer: {answer[-300:]}", None
    if cell["resume"] and not resumed(kind, outputs[-1]):
        return False, "the second connection was not resumed", None
    return True, "answer received" + (", resumed" if cell["resume"] else ""), None


def client_command(tools, cell, secure, target, keylog, session, first):
    """The command line and environment of a client that exits after its
    answer (s_client, bssl client, curl); `first` saves the session, the
    second connection of a resumed cell reads it."""
    kind = cell["client"]
    env = dict(os.environ)
    if kind == "openssl s_client":
        cmd = ["openssl", "s_client", "-connect", target, "-keylogfile", keylog,
               "-groups", cell["group"], "-ign_eof"] + openssl_version_flags(cell)
        if cell["cipher"]:
            cmd += (["-ciphersuites", cell["cipher"]] if cell["version"] == "1.3"
                    else ["-cipher", cell["cipher"]])
        cmd += ["-sess_out", session] if first else ["-sess_in", session]
        if secure:
            env["LD_PRELOAD"] = tools.shim
    elif kind == "bssl client":
        v = "tls" + cell["version"]
        cmd = [tools.bssl if secure else tools.bssl_stock, "client", "-connect", target,
               "-min-version", v, "-max-version", v, "-curves", cell["group"]]
        if cell["cipher"] and cell["version"] == "1.2":
            cmd += ["-cipher", cell["cipher"]]
        cmd += ["-session-out", session] if first else ["-session-in", session]
        env["SSLKEYLOGFILE"] = keylog
    elif kind == "curl":
        v = cell["version"]
        cmd = ["curl", "-sSki", "--tlsv" + v, "--tls-max", v, "--curves", cell["group"],
               f"https://{target}/"]
        if cell["cipher"]:
            cmd[1:1] = (["--tls13-ciphers", cell["cipher"]] if v == "1.3"
                        else ["--ciphers", cell["cipher"]])
        env["SSLKEYLOGFILE"] = keylog
        if secure:
            env["LD_PRELOAD"] = tools.shim
    else:
        raise SetupError(f"unknown client {kind}")
    return cmd, env


def run_scannable_client(tools, cell, secure, target, keylog, work, on_open):
    """Runs interop/programs/tls_client, which closes its connections and
    waits to be scanned; returns (ok, detail, the waiting process)."""
    library = cell["client"].split()[-1]
    binary = {"(OpenSSL)": tools.client_openssl,
              "(BoringSSL)": tools.client_boringssl if secure else tools.client_boringssl_stock}[library]
    env = dict(os.environ)
    if library == "(OpenSSL)" and secure:
        env["LD_PRELOAD"] = tools.shim
    cmd = [binary, "--connect", target, "--keylog", keylog, "--group", cell["group"]]
    if cell["version"] == "1.2":
        cmd.append("--tls12")
    if cell["cipher"] and not (library == "(BoringSSL)" and cell["version"] == "1.3"):
        cmd += ["--cipher", cell["cipher"]]
    if cell["resume"]:
        cmd.append("--resume")
    if on_open is not None:
        cmd.append("--pause-open")
    err_path = os.path.join(work, "client.err")
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=err, start_new_session=True)
    line = read_line(proc, TIMEOUT)
    if on_open is not None and line == b"open\n":
        try:
            on_open(proc.pid)
        except BaseException:
            stop(proc)
            raise
        proc.stdin.write(b"\n")
        proc.stdin.flush()
        line = read_line(proc, TIMEOUT)
    ready = line == b"ready\n"
    if not ready:
        stop(proc)
    with open(err_path, errors="replace") as f:
        detail = f.read().strip()
    if not ready:
        return False, detail[-300:], None
    return True, detail.replace("\n", "; "), proc


def run_held_open(cmd, env, marker, on_open):
    """Runs a client that reads its request from stdin: once its output shows
    `marker` (the handshake is done), calls on_open(None) with the connection
    open, then sends the request. Returns the whole output, None on timeout."""
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    seen = b""
    deadline = time.time() + TIMEOUT
    while marker not in seen and time.time() < deadline:
        line = read_line(proc, max(0.0, deadline - time.time()))
        if not line:
            break
        seen += line
    if marker not in seen:
        stop(proc)
        return None
    try:
        on_open(None)
    except BaseException:
        stop(proc)
        raise
    try:
        rest, _ = proc.communicate(REQUEST, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        stop(proc)
        return None
    return (seen + rest).decode(errors="replace")


def resumed(kind, output):
    if kind == "openssl s_client":
        return "Reused," in output
    if kind == "bssl client":
        return "Resumed session: yes" in output
    return True


def read_line(proc, seconds):
    """Reads one line from proc's stdout within `seconds` (b"" on timeout)."""
    line = b""
    deadline = time.time() + seconds
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n") and time.time() < deadline:
            if not sel.select(max(0.0, deadline - time.time())):
                break
            chunk = os.read(proc.stdout.fileno(), 1)
            if not chunk:
                break
            line += chunk
    return line


# ---- The scan ----

def scan(tools, pid, keylog, cached_ok):
    cmd = [tools.keyscan, "--keylog", keylog, "--pid", str(pid), "--json", "--no-progress"]
    if cached_ok:
        cmd.append("--expect-cached-master-secrets")
    done = subprocess.run(cmd, capture_output=True, timeout=120)
    if done.returncode == 2:
        raise SetupError(f"keyscan: {done.stderr.decode(errors='replace').strip()}")
    report = json.loads(done.stdout)
    return report


def count(reports, secure):
    """(residues, kept): kept are TLS 1.2 master secrets a server may hold on
    purpose while their session is cached. With secretmode such a session
    lives in the secret arena (or, for nginx, in its shared session cache,
    a MAP_SHARED mapping): a master secret anywhere else is a residue."""
    unexpected = kept = 0
    for report in reports:
        if report["truncated"] or report["bytes_scanned"] == 0:
            raise SetupError(f"keyscan read nothing or stopped early: {report['target']}")
        unexpected += report["unexpected_residues"]
        for residue in report["residues"]:
            if not residue["expected"]:
                continue
            in_cache = residue["class"] == "secret arena" or " rw-s " in residue["where"]
            if secure and not in_cache:
                unexpected += 1
            else:
                kept += 1
    return unexpected, kept


# ---- Cells ----

def cells():
    servers = ["openssl s_server", "bssl server", "nginx"]
    clients = ["openssl s_client", "bssl client", "curl", "tls_client (OpenSSL)",
               "tls_client (BoringSSL)"]
    out = []

    def add(server, client, version, group, cipher, resume=False):
        out.append({"server": server, "client": client, "version": version, "group": group,
                    "cipher": cipher, "resume": resume})

    # Every server with every client: TLS 1.3 (X25519) and TLS 1.2 (P-256).
    for server in servers:
        for client in clients:
            add(server, client, "1.3", "X25519", "")
            add(server, client, "1.2", "P-256", "ECDHE-ECDSA-AES128-GCM-SHA256")
    # Groups and ciphers, OpenSSL <-> BoringSSL both ways. TLS 1.2 needs the
    # ECDSA certificate's curve (P-256) among the groups: the first is the
    # one the client prefers.
    for server, client in (("openssl s_server", "tls_client (BoringSSL)"),
                           ("bssl server", "tls_client (OpenSSL)")):
        add(server, client, "1.3", "P-384", "")
        add(server, client, "1.3", "P-256", "")
        add(server, client, "1.2", "X25519:P-256", "ECDHE-ECDSA-AES256-GCM-SHA384")
        add(server, client, "1.2", "P-384:P-256", "ECDHE-ECDSA-CHACHA20-POLY1305")
    # TLS 1.3 suites where OpenSSL chooses them (BoringSSL cannot configure them).
    for suite in ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"):
        add("openssl s_server", "tls_client (BoringSSL)", "1.3", "X25519", suite)
        add("bssl server", "tls_client (OpenSSL)", "1.3", "X25519", suite)
    # Resumption.
    for server, client in (("openssl s_server", "tls_client (BoringSSL)"),
                           ("bssl server", "tls_client (OpenSSL)"),
                           ("openssl s_server", "openssl s_client"),
                           ("bssl server", "bssl client"),
                           ("nginx", "tls_client (OpenSSL)")):
        add(server, client, "1.3", "X25519", "", resume=True)
        add(server, client, "1.2", "P-256", "ECDHE-ECDSA-AES128-GCM-SHA256", resume=True)
    return out


def cell_name(c):
    name = f"{c['server']} <- {c['client']}, TLS {c['version']}, {c['group']}"
    if c["cipher"]:
        name += f", {c['cipher']}"
    if c["resume"]:
        name += ", resumed"
    return name


def run_cell(tools, cell, secure, work):
    """Returns dict: ok, detail; live: copies of the keys found while the first
    connection was open (server processes + scannable client), None where the
    client cannot be held open (curl); server, client: (unexpected, cached)
    after close, client None when it cannot be scanned."""
    keylog = os.path.join(work, "keys.log")
    if os.path.exists(keylog):
        os.unlink(keylog)
    server, port = start_server(tools, cell, secure, work)
    paused = None
    live = []

    def copies(reports):
        return sum(r["unexpected_residues"] + r["expected_residues"] for r in reports)

    def scan_open_connection(client_pid):
        if server.poll() is not None:
            raise SetupError(f"{cell['server']} exited during the connection")
        server_copies = copies([scan(tools, p, keylog, True)
                                for p in process_tree(server.pid)])
        client_copies = copies([scan(tools, client_pid, keylog, True)]) if client_pid else None
        live.append((server_copies, client_copies))

    try:
        ok, detail, paused = run_client(tools, cell, secure, port, keylog, work,
                                        on_open=scan_open_connection)
        result = {"ok": ok, "detail": detail, "server": None, "client": None,
                  "live": live[0] if live else None}
        if not ok:
            return result
        if not os.path.exists(keylog) or os.path.getsize(keylog) == 0:
            result.update(ok=False, detail="the client wrote no key log")
            return result
        time.sleep(0.3)  # the server finishes closing the connection
        cached_ok = cell["version"] == "1.2"
        if server.poll() is not None:
            result.update(ok=False, detail=f"{cell['server']} exited")
            return result
        result["server"] = count([scan(tools, p, keylog, cached_ok)
                                  for p in process_tree(server.pid)], secure)
        if paused is not None:
            result["client"] = count([scan(tools, paused.pid, keylog, False)], secure)
        return result
    finally:
        if paused is not None:
            paused.stdin.close()
            try:
                paused.wait(5)
            except subprocess.TimeoutExpired:
                stop(paused)
        stop(server)


def make_certificate(work):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj",
                    "/CN=secretmode.test", "-keyout", os.path.join(work, "key.pem"),
                    "-out", os.path.join(work, "cert.pem")],
                   check=True, capture_output=True)


def fmt_live(live):
    """Copies found while open: "server" or "server/client"."""
    if live is None:
        return "–"
    return str(live[0]) if live[1] is None else f"{live[0]}/{live[1]}"


def fmt(residues):
    if residues is None:
        return "–"
    unexpected, cached = residues
    return f"{unexpected}" + (f" (+{cached} TLS 1.2 master)" if cached else "")


def run_matrix(tools, only, results_path):
    work = tempfile.mkdtemp(prefix="secretmode-matrix-")
    make_certificate(work)
    rows, failures = [], 0
    baseline_seen = 0
    selected = [c for c in cells() if only is None or only in cell_name(c)]
    print(f"matrix: {len(selected)} cells, each with and without secretmode", flush=True)
    for n, cell in enumerate(selected, 1):
        secure = run_cell(tools, cell, True, work)
        plain = run_cell(tools, cell, False, work)
        # With secretmode: no residue after close, and where the connection
        # could be held open, its keys were found then (the scan sees them).
        live = secure["live"]
        passed = (secure["ok"] and plain["ok"] and secure["server"][0] == 0 and
                  (secure["client"] is None or secure["client"][0] == 0) and
                  (live is None or (live[0] > 0 and (live[1] is None or live[1] > 0))))
        if plain["ok"] and (plain["server"][0] > 0 or (plain["client"] or (0, 0))[0] > 0):
            baseline_seen += 1
        failures += 0 if passed else 1
        status = "pass" if passed else "FAIL"
        line = (f"[{n}/{len(selected)}] {status}  {cell_name(cell)}: with secretmode open "
                f"{fmt_live(secure['live'])}, then server {fmt(secure['server'])}, client "
                f"{fmt(secure['client'])}; without: server {fmt(plain['server'])}, client "
                f"{fmt(plain['client'])}")
        if not secure["ok"]:
            line += f"\n    with secretmode: {secure['detail']}"
        if not plain["ok"]:
            line += f"\n    without: {plain['detail']}"
        print(line, flush=True)
        rows.append((cell, status, secure, plain))
    shutil.rmtree(work, ignore_errors=True)
    print(f"matrix: {len(selected) - failures} passed, {failures} failed; residues without "
          f"secretmode seen in {baseline_seen} cells", flush=True)
    if results_path:
        write_results(results_path, rows, baseline_seen)
    return failures


def write_results(path, rows, baseline_seen):
    with open(path, "w") as f:
        f.write("# Interop matrix: residues after closed connections\n\n")
        f.write("Regenerated by `bazel run //interop:matrix -- --results interop/RESULTS.md` "
                "(about 4 minutes); `//interop:interop_matrix_test` runs the same cells.\n\n")
        f.write("Each cell: the client connects (twice when resumed), sends an HTTP request and "
                "reads the answer, closes; then keyscan searches every process of the server, "
                "and the client where it stays alive after closing (tls_client), for every "
                "secret, key and IV of the client's key log. Numbers are copies found; "
                "\"+N TLS 1.2 master\" counts TLS 1.2 master secrets found in a server, "
                "reported on their own because a server keeps them on purpose while their "
                "session is cached for resumption (with secretmode such a session lives in the "
                "secret arena; without it, freed sessions' copies count here too); \"–\": not "
                "scanned (the client exits).\n\n")
        f.write("With secretmode: the OpenSSL shim preloaded into OpenSSL programs, BoringSSL "
                "patched and linked with the link-time shim. Without: Debian's OpenSSL as it is, "
                "stock BoringSSL.\n\n")
        f.write("\"open, with\": copies of the connection's secrets found in the server "
                "(server/client for tls_client) while the first connection was still open, with "
                "secretmode: the proof, in every cell where the client can be held open (all "
                "but curl's), that the scan sees the keys in those processes, so that the zeros "
                "after close mean they are gone. A cell fails if either is 0. With secretmode a "
                "TLS 1.2 master secret counts as kept on purpose only in the secret arena or a "
                "shared session cache; anywhere else it is a residue. TLS 1.2 record keys are "
                "searched where the client is tls_client, which logs the server random they "
                "derive from (SECRETMODE_SERVER_RANDOM); the other clients' logs do not give "
                "it.\n\n")
        f.write("| cell | result | open, with | server, with | client, with | "
                "server, without | client, without |\n|---|---|---:|---:|---:|---:|---:|\n")
        for cell, status, secure, plain in rows:
            f.write(f"| {cell_name(cell)} | {status} | {fmt_live(secure['live'])} | "
                    f"{fmt(secure['server'])} | {fmt(secure['client'])} | "
                    f"{fmt(plain['server'])} | {fmt(plain['client'])} |\n")
        f.write(f"\nCells where the library without secretmode left residues: {baseline_seen} "
                f"of {len(rows)}. A cell without any proves only that this run of that library "
                "overwrote what it left; the cells that show residues prove the scan sees "
                "them.\n")


# ---- The demo ----

def summary_lines(table):
    """keyscan's table without its per-copy listing and notes, for the side-by-side view."""
    lines, listing = [], False
    for line in table.rstrip().splitlines():
        listing = listing or line.startswith("Copies:")
        detail = line.startswith(("note:", "coverage:"))
        if line.startswith("RESULT:") or not (listing or detail):
            lines.append(line.replace("client_random ", "cr "))
    return lines


def run_demo(tools):
    work = tempfile.mkdtemp(prefix="secretmode-demo-")
    make_certificate(work)
    cell = {"server": "openssl s_server", "client": "openssl s_client", "version": "1.3",
            "group": "X25519", "cipher": "", "resume": False}
    tables = {}
    for secure in (False, True):
        keylog = os.path.join(work, "keys.log")
        if os.path.exists(keylog):
            os.unlink(keylog)
        server, port = start_server(tools, cell, secure, work)
        try:
            ok, detail, _ = run_client(tools, cell, secure, port, keylog, work)
            if not ok:
                raise SetupError(f"the TLS connection failed: {detail}")
            time.sleep(0.3)
            done = subprocess.run([tools.keyscan, "--keylog", keylog, "--pid", str(server.pid),
                                   "--no-progress"], capture_output=True, timeout=120)
            if done.returncode == 2:
                raise SetupError(done.stderr.decode(errors="replace"))
            # The table is for people; the count comes from the JSON report
            # (a second scan of the same idle server).
            report = scan(tools, server.pid, keylog, False)
            tables[secure] = (summary_lines(done.stdout.decode(errors="replace")), report)
        finally:
            stop(server)
    shutil.rmtree(work, ignore_errors=True)
    left = ["openssl s_server, Debian's OpenSSL as it is"] + [""] + tables[False][0]
    right = ["openssl s_server, secretmode's shim preloaded"] + [""] + tables[True][0]
    width = max(len(line) for line in left) + 3
    print("One TLS 1.3 connection (openssl s_client -> openssl s_server), closed; then keyscan "
          "searches the server's memory for the connection's secrets, keys and IVs.\n")
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        print(f"{a:<{width}}| {b}")
    without = tables[False][1]["unexpected_residues"]
    with_shim = tables[True][1]["unexpected_residues"]
    print()
    print(f"In one line: the unmodified server kept {without} cop{'y' if without == 1 else 'ies'} "
          f"of the closed session's keys in memory, where a core dump or a memory disclosure "
          f"finds them; with secretmode it kept {with_shim}.")
    # The demo makes its point only if the scan saw what the unmodified server
    # kept; a run where it kept nothing proves nothing.
    return 0 if with_shim == 0 and without > 0 else 1


def main():
    args = sys.argv[1:]
    opts = {"--tools": None, "--results": None, "--only": None}
    demo = False
    i = 0
    while i < len(args):
        if args[i] in opts and i + 1 < len(args):
            opts[args[i]] = args[i + 1]
            i += 2
        elif args[i] == "--demo":
            demo = True
            i += 1
        else:
            print(f"matrix.py: unknown argument {args[i]}\n{__doc__}", file=sys.stderr)
            return 2
    if opts["--tools"] is None:
        print(f"matrix.py: --tools is required\n{__doc__}", file=sys.stderr)
        return 2
    try:
        tools = Tools(opts["--tools"])
        if demo:
            return run_demo(tools)
        return 1 if run_matrix(tools, opts["--only"], opts["--results"]) else 0
    except SetupError as e:
        print(f"matrix.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
