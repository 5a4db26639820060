"""HTTP client for Tessera's ingest-gateway and feature-reader (standard library only)."""

import datetime as _dt
import json
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Union

from .errors import TesseraError

DEFAULT_GATEWAY_URL = "http://localhost:8080"
DEFAULT_READER_URL = "http://localhost:8082"

NDJSON = "application/x-ndjson"
PROBLEM_JSON = "application/problem+json"

PRESENT = "PRESENT"
MISSING = "MISSING"
STALE = "STALE"


class Feature(NamedTuple):
    """One feature of one entity id, as the reader serves it.

    ``status`` is ``PRESENT``, ``STALE`` or ``MISSING``; for ``MISSING`` the other fields are
    ``None``. ``event_time`` is the ISO-8601 instant the value is as of (the end of its window;
    for rolling features the newest event's time), ``age_ms`` how long before the request it was.
    """

    value: Any
    status: str
    event_time: Optional[str]
    age_ms: Optional[int]

    @property
    def present(self) -> bool:
        return self.status == PRESENT

    @property
    def event_datetime(self) -> Optional[_dt.datetime]:
        """``event_time`` as an aware ``datetime`` (UTC), or ``None``."""
        if self.event_time is None:
            return None
        text = self.event_time
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        return _dt.datetime.fromisoformat(text)


def _read_token_file(path: str) -> str:
    with open(path, "r", encoding="utf-8") as f:
        return f.read().strip()


def _resolve_token(token: Optional[str], token_file: Optional[str]) -> Optional[str]:
    if token:
        return token.strip()
    if token_file:
        return _read_token_file(token_file)
    env = os.environ.get("TESSERA_TOKEN")
    if env:
        return env.strip()
    env_file = os.environ.get("TESSERA_TOKEN_FILE")
    if env_file:
        return _read_token_file(env_file)
    return None


def _json_default(o: Any) -> Any:
    if isinstance(o, _dt.datetime):
        if o.tzinfo is None or o.tzinfo.utcoffset(o) is None:
            raise TypeError(
                "a naive datetime is ambiguous as an event time; give it a tzinfo "
                "(e.g. datetime.timezone.utc) or send epoch milliseconds"
            )
        return o.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


def _encode_event(event: Any, index: int) -> bytes:
    if not isinstance(event, Mapping):
        raise TypeError("event %d is a %s, not a dict" % (index, type(event).__name__))
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False, default=_json_default).encode(
        "utf-8"
    )


class Client:
    """A client of one Tessera deployment.

    ``gateway_url`` / ``reader_url`` default to the environment's ``TESSERA_GATEWAY_URL`` /
    ``TESSERA_READER_URL``, then to ``./run.sh``'s ``http://localhost:8080`` / ``:8082``.

    The bearer token is ``token``, else the contents of ``token_file``, else the environment's
    ``TESSERA_TOKEN``, else the contents of the file ``TESSERA_TOKEN_FILE`` names; without one no
    ``Authorization`` header is sent. ``gateway_token`` / ``reader_token`` override it for one
    service (``./run.sh`` writes two tokens: ``.tessera/tokens/producer.jwt`` with ``produce:*``
    and ``.tessera/tokens/reader.jwt`` with ``read:*``).

    TLS (``https://`` URLs): pass an ``ssl_context``, or a ``ca_file`` (PEM): the CAs to trust
    instead of the system's.
    ``timeout`` (seconds) applies to each HTTP request.
    """

    def __init__(
        self,
        gateway_url: Optional[str] = None,
        reader_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        token_file: Optional[str] = None,
        gateway_token: Optional[str] = None,
        reader_token: Optional[str] = None,
        timeout: float = 10.0,
        ssl_context: Optional[ssl.SSLContext] = None,
        ca_file: Optional[str] = None,
        chunk_size: int = 1000,
        max_request_bytes: int = 4 * 1024 * 1024,
        retries: int = 2,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.gateway_url = (gateway_url or os.environ.get("TESSERA_GATEWAY_URL") or DEFAULT_GATEWAY_URL).rstrip(
            "/"
        )
        self.reader_url = (reader_url or os.environ.get("TESSERA_READER_URL") or DEFAULT_READER_URL).rstrip("/")
        self.token = _resolve_token(token, token_file)
        self.gateway_token = gateway_token.strip() if gateway_token else self.token
        self.reader_token = reader_token.strip() if reader_token else self.token
        self.timeout = timeout
        if ssl_context is None and ca_file:
            ssl_context = ssl.create_default_context(cafile=ca_file)
        self.ssl_context = ssl_context
        self.chunk_size = chunk_size
        self.max_request_bytes = max_request_bytes
        self.retries = retries
        handlers: List[Any] = []
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return "Client(gateway_url=%r, reader_url=%r, token=%s)" % (
            self.gateway_url,
            self.reader_url,
            "set" if self.token else None,
        )

    # -- HTTP -------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        url: str,
        token: Optional[str],
        body: Optional[bytes] = None,
        content_type: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Any:
        """One request; the answer's JSON body, or a ``TesseraError``."""
        all_headers = {"Accept": "application/json, application/problem+json"}
        if content_type:
            all_headers["Content-Type"] = content_type
        if token:
            all_headers["Authorization"] = "Bearer " + token
        if headers:
            all_headers.update(headers)
        request = urllib.request.Request(url, data=body, method=method, headers=all_headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
                raw = response.read()
        except urllib.error.HTTPError as e:
            raise self._refusal(e, url) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise TesseraError("%s %s: cannot reach the service: %s" % (method, url, reason), url=url) from e
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError as e:
            raise TesseraError(
                "%s %s: the answer (%d) is not JSON: %r" % (method, url, status, raw[:200]), status=status, url=url
            ) from e

    @staticmethod
    def _refusal(e: urllib.error.HTTPError, url: str) -> TesseraError:
        try:
            raw = e.read()
        except OSError:
            raw = b""
        finally:
            e.close()
        problem: Dict[str, Any] = {}
        text = raw.decode("utf-8", "replace")
        if raw:
            try:
                parsed = json.loads(text)
                if isinstance(parsed, dict):
                    problem = parsed
            except ValueError:
                pass
        status = problem.get("status") if isinstance(problem.get("status"), int) else e.code
        title = problem.get("title") or e.reason
        detail = problem.get("detail")
        if detail is None and not problem and text.strip():
            detail = text.strip()[:500]
        message = "%s %s" % (status, title)
        if detail:
            message += ": %s" % detail
        errors = problem.get("errors")
        if isinstance(errors, list) and errors:
            shown = "; ".join(
                "event %s, %s: %s" % (v.get("index"), v.get("field"), v.get("reason"))
                for v in errors[:5]
                if isinstance(v, dict)
            )
            more = " (and %d more)" % (len(errors) - 5) if len(errors) > 5 else ""
            message += " [%s%s]" % (shown, more)
        return TesseraError(
            message,
            status=status,
            title=title,
            detail=detail,
            problem=problem,
            url=url,
            retry_after=e.headers.get("Retry-After") if e.headers else None,
        )

    # -- ingest-gateway -----------------------------------------------------------------------

    def send(
        self,
        stream: str,
        events: Iterable[Mapping[str, Any]],
        *,
        idempotency_key: Optional[str] = None,
        chunk_size: Optional[int] = None,
    ) -> int:
        """Posts ``events`` (dicts) to ``POST /v1/events/{stream}`` as NDJSON; returns how many
        the gateway accepted.

        Events go in requests of at most ``chunk_size`` events (default the client's, 1000) and
        ``max_request_bytes``. Each request has an ``Idempotency-Key``: ``idempotency_key`` for the
        first, ``<idempotency_key>.<n>`` for the n-th after it, or a random one per request. A
        request answered 503 (Kafka did not acknowledge in time) or not answered at all is retried
        up to ``retries`` times with the same key, so on a stream that declares ``dedupe`` the
        events count once. A refusal raises ``TesseraError``; nothing of that request was
        produced, and its ``accepted`` says how many events earlier requests had accepted. A
        ``datetime`` with a timezone is sent as an ISO-8601 instant.
        """
        size = chunk_size or self.chunk_size
        if size < 1:
            raise ValueError("chunk_size must be at least 1")
        url = "%s/v1/events/%s" % (self.gateway_url, urllib.parse.quote(stream, safe=""))
        accepted = 0
        chunk: List[bytes] = []
        chunk_bytes = 0
        n = 0
        for index, event in enumerate(events):
            line = _encode_event(event, index)
            if chunk and (len(chunk) >= size or chunk_bytes + len(line) + 1 > self.max_request_bytes):
                accepted += self._post_chunk(url, chunk, self._chunk_key(idempotency_key, n), accepted)
                n += 1
                chunk, chunk_bytes = [], 0
            chunk.append(line)
            chunk_bytes += len(line) + 1
        if chunk:
            accepted += self._post_chunk(url, chunk, self._chunk_key(idempotency_key, n), accepted)
        return accepted

    @staticmethod
    def _chunk_key(idempotency_key: Optional[str], n: int) -> str:
        if idempotency_key is None:
            return str(uuid.uuid4())
        return idempotency_key if n == 0 else "%s.%d" % (idempotency_key, n)

    def _post_chunk(self, url: str, lines: List[bytes], key: str, accepted_before: int) -> int:
        body = b"\n".join(lines) + b"\n"
        attempt = 0
        while True:
            try:
                answer = self._request(
                    "POST", url, self.gateway_token, body, NDJSON, {"Idempotency-Key": key}
                )
                break
            except TesseraError as e:
                retriable = e.status is None or e.status == 503
                if not retriable or attempt >= self.retries:
                    e.accepted = accepted_before
                    raise
                time.sleep(self._backoff(e.retry_after, attempt))
                attempt += 1
        if not isinstance(answer, dict) or not isinstance(answer.get("accepted"), int):
            raise TesseraError("POST %s: unexpected answer %r" % (url, answer), url=url, accepted=accepted_before)
        return answer["accepted"]

    @staticmethod
    def _backoff(retry_after: Optional[str], attempt: int) -> float:
        if retry_after:
            try:
                return min(max(float(retry_after), 0.0), 30.0)
            except ValueError:
                pass
        return min(0.5 * (2**attempt), 10.0)

    # -- feature-reader -----------------------------------------------------------------------

    def features(
        self,
        entity: str,
        ids: Union[str, Iterable[str]],
        names: Optional[Union[str, Sequence[str]]] = None,
        *,
        chunk_size: Optional[int] = None,
    ) -> Dict[str, Dict[str, Feature]]:
        """The features ``names`` (all of the entity's when ``None``) of entity ids ``ids``:
        ``{id: {name: Feature(value, status, event_time, age_ms)}}``.

        One id (a ``str``) is one ``GET /v1/features/{entity}/{id}``; a list of ids is one
        ``POST /v1/features/{entity}`` per ``chunk_size`` ids (default the client's, 1000).
        An unknown feature name is a ``TesseraError`` with status 400, an unknown entity 404.
        """
        if isinstance(names, str):
            names = [names]
        names_list = list(names) if names is not None else None
        entity_path = urllib.parse.quote(entity, safe="")
        if isinstance(ids, str):
            url = "%s/v1/features/%s/%s" % (self.reader_url, entity_path, urllib.parse.quote(ids, safe=""))
            if names_list:
                url += "?" + urllib.parse.urlencode({"names": ",".join(names_list)}, safe=",")
            answer = self._request("GET", url, self.reader_token)
            return {ids: self._parse_features(answer, url)}
        id_list = list(ids)
        for i, one in enumerate(id_list):
            if not isinstance(one, str):
                raise TypeError("ids[%d] is a %s, not a str" % (i, type(one).__name__))
        size = chunk_size or self.chunk_size
        url = "%s/v1/features/%s" % (self.reader_url, entity_path)
        result: Dict[str, Dict[str, Feature]] = {}
        for start in range(0, len(id_list), size):
            request: Dict[str, Any] = {"ids": id_list[start : start + size]}
            if names_list:
                request["names"] = names_list
            body = json.dumps(request).encode("utf-8")
            answer = self._request("POST", url, self.reader_token, body, "application/json")
            results = answer.get("results") if isinstance(answer, dict) else None
            if not isinstance(results, list):
                raise TesseraError("POST %s: unexpected answer %r" % (url, answer), url=url)
            for one in results:
                result[one.get("id")] = self._parse_features(one, url)
        return result

    @staticmethod
    def _parse_features(answer: Any, url: str) -> Dict[str, Feature]:
        features = answer.get("features") if isinstance(answer, dict) else None
        if not isinstance(features, dict):
            raise TesseraError("%s: unexpected answer %r" % (url, answer), url=url)
        return {
            name: Feature(f.get("value"), f.get("status"), f.get("event_time"), f.get("age_ms"))
            for name, f in features.items()
        }

    # -- training sets ------------------------------------------------------------------------

    def training_set(self, spine_path: str, features: Union[str, Sequence[str]], out_path: str, **kwargs: Any) -> str:
        """``tessera_client.training_set`` (the command needs no HTTP; see there)."""
        from .training import training_set

        return training_set(spine_path, features, out_path, **kwargs)
