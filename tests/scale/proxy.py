"""nginx running deploy/nginx/papo.conf in a temporary folder, and HTTP clients that reach it
from a chosen loopback address (nginx's ip_hash picks the Papo process by client address).
"""

from __future__ import annotations

import re
import secrets
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from scale.servers import START_TIMEOUT, stop_process
from support.live_server import free_port
from support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "papo.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# The wrapper Debian's /etc/nginx/nginx.conf plays in production, with every path in `prefix`.
# `user root` keeps the workers able to use the 0700 temporary folder; nginx ignores it when
# the tests do not run as root.
MAIN_CONF = """\
user root;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 512; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/papo.conf;
}}
"""


def render_site(text: str, replacements: dict[str, str]) -> str:
    """Replace each key of `replacements` in the site config; every key must occur."""
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx/papo.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (valid one day) and its key, made by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    argv = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert),
    ]  # fmt: skip
    subprocess.run(argv, check=True, capture_output=True, timeout=30)
    return cert, key


@dataclass
class AccessLine:
    """One request in the access log (format `papo` of deploy/nginx/papo.conf)."""

    client: str
    request: str
    status: int
    upstream: str


LINE = re.compile(r'^(\S+) \[[^]]*\] "([^"]*)" (\d{3}) \S+ \S+ upstream=(\S+)$')


class Nginx:
    """nginx serving the site config with the Papo processes at `upstreams` behind it."""

    def __init__(self, prefix: Path, upstreams: list[int]) -> None:
        self.prefix = Path(prefix)
        self.http_port, self.https_port = free_port(), free_port()
        self.upstreams = upstreams
        self.process: subprocess.Popen | None = None
        self._sessions: list[requests.Session] = []

    @property
    def url(self) -> str:
        """The public HTTPS address."""
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def certificate(self) -> Path:
        """The certificate clients must trust."""
        return self.prefix / "cert.pem"

    @property
    def conf(self) -> Path:
        """The main configuration file."""
        return self.prefix / "nginx.conf"

    def render(self) -> Nginx:
        """Write nginx.conf, papo.conf (test ports and paths) and a certificate into prefix."""
        self.prefix.mkdir(parents=True, exist_ok=True)
        cert, key = self_signed_certificate(self.prefix)
        first, second = self.upstreams
        site = render_site(
            SITE.read_text(),
            {
                "server 127.0.0.1:8001": f"server 127.0.0.1:{first}",
                "server 127.0.0.1:8002": f"server 127.0.0.1:{second}",
                "listen 80;": f"listen 127.0.0.1:{self.http_port};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
                "/etc/letsencrypt/live/chat.example.org/fullchain.pem": str(cert),
                "/etc/letsencrypt/live/chat.example.org/privkey.pem": str(key),
                "/var/log/nginx/": f"{self.prefix}/",
            },
        )
        (self.prefix / "papo.conf").write_text(site)
        self.conf.write_text(MAIN_CONF.format(prefix=self.prefix))
        return self

    def _argv(self, *extra: str) -> list[str]:
        return [NGINX, "-c", str(self.conf), "-p", f"{self.prefix}/", "-g", "daemon off;", *extra]

    def check(self) -> subprocess.CompletedProcess:
        """Run `nginx -t` on the rendered configuration."""
        return subprocess.run(self._argv("-t"), capture_output=True, text=True, timeout=30)

    def start(self) -> Nginx:
        """Start nginx in the foreground and wait until HTTPS answers."""
        log = (self.prefix / "nginx.out").open("ab")
        self.process = subprocess.Popen(self._argv(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        try:
            wait_until(self._answers, START_TIMEOUT, f"nginx on port {self.https_port}")
        except BaseException:
            self.stop()
            raise
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx exited: {self.error_log()}")
        try:
            return requests.get(f"{self.url}/health", verify=self.certificate, timeout=2).ok
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        """Stop nginx (SIGQUIT: finish the open requests, as `nginx -s quit` does)."""
        for http in self._sessions:
            http.close()
        if self.process is not None:
            stop_process(self.process, signal.SIGQUIT)

    def error_log(self) -> str:
        """nginx's own error log and output."""
        return "\n".join(
            path.read_text(errors="replace")
            for path in (self.prefix / "error.log", self.prefix / "nginx.out")
            if path.exists()
        )

    def access(self) -> list[AccessLine]:
        """Every request of the site's access log so far."""
        path = self.prefix / "papo.access.log"
        lines = path.read_text().splitlines() if path.exists() else []
        return [
            AccessLine(m[1], m[2], int(m[3]), m[4]) for line in lines if (m := LINE.match(line))
        ]

    def session(self, source: str = "127.0.0.1") -> requests.Session:
        """A requests session that trusts the certificate and connects from `source`."""
        http = requests.Session()
        http.trust_env = False  # REQUESTS_CA_BUNDLE and proxies from the environment do not apply
        http.verify = str(self.certificate)
        http.mount("https://", SourceAddressAdapter(source))
        self._sessions.append(http)
        return http

    def upstream_of(self, source: str) -> str:
        """The Papo process (host:port) nginx sends requests from `source` to."""
        probe = f"/health?probe={secrets.token_hex(4)}"
        assert self.session(source).get(self.url + probe, timeout=10).ok
        served = [line.upstream for line in self.access() if probe in line.request]
        assert len(served) == 1, served
        return served[0]


class SourceAddressAdapter(HTTPAdapter):
    """Open connections from a given local address (any 127.x.y.z works on loopback)."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        """Bind every pooled connection to the source address."""
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)
