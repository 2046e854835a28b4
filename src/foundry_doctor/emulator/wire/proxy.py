"""The listener on 127.0.0.1 that carries the clients' traffic to the emulated services.

HTTPS: clients reach it through ``HTTPS_PROXY``. They send ``CONNECT myres.openai.azure.com:443``;
the proxy answers ``200`` for host names some service answers for (``502`` for any other: it
never connects anywhere), then speaks TLS with a certificate for that host from the local CA,
and serves HTTP/1.1 inside the tunnel: keep-alive, several requests per connection,
``Content-Length`` bodies and chunked server-sent events flushed event by event.

Plain HTTP: a request sent to the listener itself (``GET /platforms/vm/metadata/...``, what the
managed-identity variables point at) goes to the local services, picked by path. A plain
request for another host (absolute form, as to a forward proxy) is refused with ``502``.

Every reply carries ``Content-Type`` and ``Date``; the service adds its own headers.

An injected fault (:mod:`foundry_doctor.emulator.wire.faults`) that matches a reply changes how it
goes out: held back, cut off, mislabelled, or with the connection closed mid-body.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import logging
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from foundry_doctor.emulator.services.router import Router
from foundry_doctor.emulator.wire.certificates import CertificateAuthority
from foundry_doctor.emulator.wire.faults import Fault, FaultSet, WirePlan, requested_model
from foundry_doctor.emulator.wire.messages import Handled, IncomingRequest, Reply, compact_json
from foundry_doctor.emulator.wire.recording import RecordedRequest, RequestLog

__all__ = ["MAX_BODY", "ProxyServer"]

logger = logging.getLogger(__name__)

#: Request bodies larger than this are refused (413) without being read.
MAX_BODY = 1024 * 1024
#: Idle keep-alive connections are closed after this many seconds.
IDLE_TIMEOUT = 300.0


def request_too_large_body(limit: int) -> str:
    """413: the request body is larger than the emulator reads (the emulator's own wording)."""
    return compact_json(
        {
            "error": {
                "code": "RequestTooLarge",
                "message": f"The request body is larger than {limit} bytes.",
            }
        }
    )


def _phrase(status: int) -> str:
    """The standard reason phrase (``Unauthorized``, ``Not Found``, ...); any status a world
    is configured with is allowed, unknown ones get an empty phrase."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


#: ``socket.TCP_QUICKACK`` where the platform has it (Linux)
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    server: ProxyServer

    tunnel_host: str | None = None
    _plain_streams: tuple[io.BufferedIOBase, io.BufferedIOBase] | None = None

    # --- plumbing -----------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            with contextlib.suppress(OSError):
                super().finish()
        finally:
            if self._plain_streams is not None:
                for stream in self._plain_streams:
                    with contextlib.suppress(OSError):
                        stream.close()
            self.server.untrack(self.connection)
            with contextlib.suppress(OSError):
                self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.tunnel_host or "-", format % args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None  # each reply is logged once, with its outcome, in _reply()

    def version_string(self) -> str:
        return "foundry-doctor-emulator"

    # --- the tunnel ---------------------------------------------------------------------------

    def do_CONNECT(self) -> None:
        if self.tunnel_host is not None:  # CONNECT inside a tunnel: nonsense
            self._refuse(HTTPStatus.BAD_REQUEST)
            return
        host, _, port = self.path.rpartition(":")
        host = host.strip("[]").lower()
        if port != "443":
            self._refuse_host(host, f"foundry-doctor emulator serves port 443 only, not {port}")
            return
        if not self.server.router.serves(host):
            self._refuse_host(host, self.server.router.refusal(host))
            return
        try:
            context = self.server.authority.server_context(host)
        except (ValueError, ssl.SSLError):
            self._refuse(HTTPStatus.BAD_GATEWAY)
            return
        self.send_response_only(HTTPStatus.OK, "Connection established")
        self.end_headers()
        self.wfile.flush()
        try:
            tls = context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError) as error:
            logger.debug("TLS handshake for %s failed: %s", host, error)
            self.close_connection = True
            return
        self._plain_streams = (self.rfile, self.wfile)
        self.server.untrack(self.connection)
        self.connection = self.request = tls
        self.server.track(tls)
        self.rfile = cast(io.BufferedIOBase, tls.makefile("rb", self.rbufsize))
        self.wfile = cast(io.BufferedIOBase, tls.makefile("wb"))
        self.tunnel_host = host
        self.close_connection = False

    def _refuse_host(self, host: str, message: str) -> None:
        """502 to a ``CONNECT`` for a host no service answers on. Clients show the reason
        phrase (``ProxyError: 502 <phrase>``, ``Tunnel connection failed: 502 <phrase>``), so
        it says what is missing and how to add it; the body repeats it."""
        logger.debug("refusing CONNECT %s: %s", host, message)
        phrase = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in message)
        body = (message + "\n").encode("utf-8")
        self.send_response_only(HTTPStatus.BAD_GATEWAY, phrase)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _refuse(self, status: HTTPStatus) -> None:
        self.send_response_only(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    # --- requests inside the tunnel -----------------------------------------------------------

    def _handle(self) -> None:
        tunnelled = self.tunnel_host is not None
        if not tunnelled and not self.path.startswith("/"):  # absolute form: a forward proxy
            self._refuse(HTTPStatus.BAD_GATEWAY)
            return
        host = self.tunnel_host or (self.headers.get("Host") or "").strip().lower()
        split = urlsplit(self.path)
        path = split.path or "/"
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        headers = tuple((name, value) for name, value in self.headers.items())
        body = self._read_body()
        if body is None:
            reply = Reply(
                status=413,
                body=request_too_large_body(MAX_BODY).encode("utf-8"),
                error_code="RequestTooLarge",
                outcome="body-too-large",
            )
            self.close_connection = True
            handled = Handled(reply=reply)
        else:
            request = IncomingRequest(
                host=host, method=self.command, path=path, query=query, headers=headers, body=body
            )
            router = self.server.router
            handled = (
                router.handle_tunnelled(request) if tunnelled else router.handle_local(request)
            )
        fault: Fault | None = None
        if self.server.faults:
            fault = self.server.faults.select(
                host=host,
                method=self.command,
                path=path,
                status=handled.reply.status,
                model=handled.model or requested_model(path, headers, body),
            )
        reply = handled.reply if fault is None else fault.answer(handled.reply)
        # logged before the reply goes out, so the log is complete when the client has it
        self.server.log.add(
            RecordedRequest.build(
                host=host,
                method=self.command,
                path=path,
                query=query,
                headers=headers,
                service=handled.service,
                bearer=handled.bearer,
                model=handled.model,
                route=handled.route,
                status=reply.status,
                error_code=reply.error_code,
                outcome=reply.outcome,
                fault=fault.kind if fault is not None else None,
            )
        )
        self._reply(reply, fault, host)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def _acknowledge_now(self) -> None:
        """Send the pending TCP ACK for the request head at once (Linux ``TCP_QUICKACK``).

        Clients that write the head and the body separately with Nagle's algorithm on (urllib3
        re-enables it on proxied connections) hold the body until the head is acknowledged,
        and a delayed ACK costs every such request about 40 ms."""
        if _QUICKACK is not None:
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)

    def _read_body(self) -> bytes | None:
        """The request body, or ``None`` when it is larger than :data:`MAX_BODY`."""
        self._acknowledge_now()
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024)
            try:
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
            except ValueError:
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _reply(self, reply: Reply, fault: Fault | None, host: str) -> None:
        plan: WirePlan | None = None
        if fault is not None:
            delay = fault.delay_before_headers()
            if delay > 0:
                time.sleep(delay)
            plan = fault.wire(reply)
        self.send_response_only(reply.status, reply.reason or _phrase(reply.status))
        self.send_header("Date", email.utils.formatdate(usegmt=True))
        self.send_header("Content-Type", reply.content_type if plan is None else plan.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        if plan is not None:
            self._send_plan(plan)
        elif reply.stream is None:
            self.send_header("Content-Length", str(len(reply.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.flush()
            for chunk in reply.stream:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        logger.debug(
            "%s %s %s -> %s (%s%s)",
            host,
            self.command,
            urlsplit(self.path).path,
            reply.status,
            reply.outcome,
            f", fault {fault.kind}" if fault is not None else "",
        )

    def _send_chunks(self, chunks: Iterable[bytes]) -> bool:
        """Send ``chunks`` chunked, each flushed, then the last chunk; ``False`` when the client
        stopped reading first (the connection is then unusable)."""
        try:
            for chunk in chunks:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client closed the connection: the body ends here
            return False
        return True

    def _send_plan(self, plan: WirePlan) -> None:
        """The rest of a reply that a fault changed (see :class:`WirePlan`)."""
        if plan.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Content-Length", str(plan.content_length or 0))
            if self.close_connection and not plan.close:
                self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(plan.sent)
        self.wfile.flush()
        if plan.more is not None and self.command != "HEAD" and not self._send_chunks(plan.more):
            plan = replace(plan, close=True)
        if plan.close:
            self.close_connection = True
            if plan.reset:  # close abortively: the peer gets a TCP reset
                with contextlib.suppress(OSError):
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )


class ProxyServer(ThreadingHTTPServer):
    """The listening proxy: one thread per client connection, on 127.0.0.1 only."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(
        self,
        port: int,
        *,
        router: Router,
        authority: CertificateAuthority,
        log: RequestLog,
        faults: FaultSet | None = None,
    ) -> None:
        self.router = router
        self.authority = authority
        self.log = log
        self.faults = faults if faults is not None else FaultSet()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def __repr__(self) -> str:
        return f"ProxyServer(port={self.server_address[1]!r})"

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Wake up every handler thread blocked on an idle keep-alive connection."""
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)
