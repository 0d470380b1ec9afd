"""A real HTTP receiver on 127.0.0.1 that records what it is sent and answers as told, over
TLS when given a server context."""

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    at: float = field(default_factory=time.monotonic)


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # status codes to answer, then 204
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # With `stall_first`, the first request is recorded and then left without an answer
    # until `release` is set: a sender that dies meanwhile never learns it arrived.
    stall_first: bool = False
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    server_names: list[str | None] = field(default_factory=list)  # TLS: each client's SNI

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]

    def events(self) -> list[str]:
        """The events received, each once: what a receiver that drops duplicates keeps."""
        return list(dict.fromkeys(self.ids()))


@contextmanager
def running_receiver(tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
            with receiver.lock:
                receiver.received.append(
                    Received({k.lower(): v for k, v in self.headers.items()}, body)
                )
                stall = receiver.stall_first and len(receiver.received) == 1
                status = 204 if stall or not receiver.answers else receiver.answers.pop(0)
            if stall:
                receiver.stalled.set()
                receiver.release.wait(timeout=120)
            try:
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender is gone

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:

        def note_server_name(_socket: object, name: str | None, _context: object) -> None:
            receiver.server_names.append(name)

        tls.sni_callback = note_server_name
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    receiver.url = f"{scheme}://127.0.0.1:{server.server_address[1]}/hooks"
    # A short poll interval: shutdown() waits for the next poll, half a second by default.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
