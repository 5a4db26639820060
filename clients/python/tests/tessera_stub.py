"""A local HTTP stub of Tessera's services, in a thread, for the unit tests."""

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, NamedTuple, Optional


class Recorded(NamedTuple):
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


class Answer(NamedTuple):
    status: int
    body: Any = None  # dict/list: JSON; bytes/str: as is
    content_type: str = "application/json"
    headers: Dict[str, str] = {}


class Stub:
    """Records every request; answers each with ``respond(recorded)`` (default: 200 ``{}``)."""

    def __init__(self, ssl_context: Optional[ssl.SSLContext] = None) -> None:
        self.requests: List[Recorded] = []
        self.respond: Callable[[Recorded], Answer] = lambda r: Answer(200, {})
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(self.command, self.path, {k: v for k, v in self.headers.items()}, body)
                stub.requests.append(recorded)
                answer = stub.respond(recorded)
                if isinstance(answer.body, (dict, list)):
                    data = json.dumps(answer.body).encode("utf-8")
                elif isinstance(answer.body, str):
                    data = answer.body.encode("utf-8")
                else:
                    data = answer.body or b""
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
