"""Unit tests of tessera_client.Client against a local HTTP stub (no Tessera stack needed)."""

import datetime as dt
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tessera_client import Client, Feature, TesseraError  # noqa: E402
from tessera_stub import Answer, Stub  # noqa: E402

NO_ENV = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}


def accepted(recorded):
    lines = [line for line in recorded.body.split(b"\n") if line]
    return Answer(202, {"accepted": len(lines)})


class StubTestCase(unittest.TestCase):
    def setUp(self):
        patcher = mock.patch.dict(os.environ, NO_ENV, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.stub = Stub()
        self.addCleanup(self.stub.close)
        self.stub.respond = lambda r: Answer(200, {"entity": "user", "id": "u1", "features": {}})

    def client(self, **kwargs):
        kwargs.setdefault("timeout", 5)
        return Client(self.stub.url, self.stub.url, **kwargs)


class SendTest(StubTestCase):
    def test_posts_ndjson_with_bearer_token_and_returns_accepted(self):
        self.stub.respond = accepted
        events = [
            {"user_id": "u1", "amount": 10.5, "merchant": "b\u00fccher\nline", "ts": 1767225600000},
            {"user_id": "u1", "amount": 20.0, "merchant": "games", "ts": "2026-01-01T00:00:01Z"},
        ]
        n = self.client(token="tok-1").send("transactions", events)
        self.assertEqual(n, 2)
        self.assertEqual(len(self.stub.requests), 1)
        r = self.stub.requests[0]
        self.assertEqual(r.method, "POST")
        self.assertEqual(r.path, "/v1/events/transactions")
        self.assertEqual(r.headers["Content-Type"], "application/x-ndjson")
        self.assertEqual(r.headers["Authorization"], "Bearer tok-1")
        self.assertTrue(r.headers["Idempotency-Key"])
        lines = r.body.decode("utf-8").split("\n")
        self.assertEqual(lines[-1], "", "the body ends with a newline")
        self.assertEqual([json.loads(line) for line in lines[:-1]], events)

    def test_chunks_by_count_with_idempotency_keys_per_chunk(self):
        self.stub.respond = accepted
        events = ({"user_id": "u%d" % i, "ts": i} for i in range(2500))  # a generator is fine
        n = self.client(chunk_size=1000).send("clicks", events, idempotency_key="batch-7")
        self.assertEqual(n, 2500)
        sizes = [len(r.body.strip().split(b"\n")) for r in self.stub.requests]
        self.assertEqual(sizes, [1000, 1000, 500])
        keys = [r.headers["Idempotency-Key"] for r in self.stub.requests]
        self.assertEqual(keys, ["batch-7", "batch-7.1", "batch-7.2"])
        first = json.loads(self.stub.requests[1].body.split(b"\n")[0])
        self.assertEqual(first["user_id"], "u1000", "order is kept across chunks")

    def test_random_idempotency_key_per_chunk_without_one(self):
        self.stub.respond = accepted
        self.client().send("clicks", [{"a": i} for i in range(5)], chunk_size=2)
        keys = [r.headers["Idempotency-Key"] for r in self.stub.requests]
        self.assertEqual(len(keys), 3)
        self.assertEqual(len(set(keys)), 3)

    def test_chunks_by_bytes(self):
        self.stub.respond = accepted
        client = Client(self.stub.url, self.stub.url, max_request_bytes=100)
        events = [{"pad": "x" * 40} for _ in range(5)]  # 52 bytes and a newline each
        self.assertEqual(client.send("s", events), 5)
        self.assertEqual([len(r.body.strip().split(b"\n")) for r in self.stub.requests], [1, 1, 1, 1, 1])
        for r in self.stub.requests:
            self.assertLessEqual(len(r.body), 100)

    def test_no_events_no_request(self):
        self.assertEqual(self.client().send("transactions", []), 0)
        self.assertEqual(self.stub.requests, [])

    def test_stream_name_is_escaped_in_the_path(self):
        self.stub.respond = accepted
        self.client().send("a b/c", [{"x": 1}])
        self.assertEqual(self.stub.requests[0].path, "/v1/events/a%20b%2Fc")

    def test_aware_datetime_is_sent_as_an_instant_and_naive_is_refused(self):
        self.stub.respond = accepted
        ts = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        self.client().send("s", [{"ts": ts}])
        self.assertEqual(json.loads(self.stub.requests[0].body), {"ts": "2026-01-02T01:04:05Z"})
        with self.assertRaises(TypeError):
            self.client().send("s", [{"ts": dt.datetime(2026, 1, 2)}])

    def test_an_event_that_is_not_a_dict_is_refused_before_any_request(self):
        with self.assertRaisesRegex(TypeError, "event 1 is a list"):
            self.client().send("s", [{"a": 1}, [1, 2]])
        self.assertEqual(self.stub.requests, [])

    def test_invalid_events_raise_with_the_problem(self):
        problem = {
            "title": "Invalid events",
            "status": 400,
            "detail": "2 problem(s) in the events for stream 'transactions'; nothing was accepted",
            "errors": [
                {"index": 0, "field": "amount", "reason": "must be a number"},
                {"index": 0, "field": "merchant", "reason": "is required"},
            ],
        }
        self.stub.respond = lambda r: Answer(400, problem, "application/problem+json")
        with self.assertRaises(TesseraError) as caught:
            self.client().send("transactions", [{"user_id": "u1", "amount": "ten"}])
        e = caught.exception
        self.assertEqual(e.status, 400)
        self.assertEqual(e.title, "Invalid events")
        self.assertEqual(e.detail, problem["detail"])
        self.assertEqual(e.problem, problem)
        self.assertEqual(e.errors, problem["errors"])
        self.assertIn("event 0, amount: must be a number", str(e))
        self.assertEqual(len(self.stub.requests), 1, "a 400 is not retried")

    def test_a_refusal_after_accepted_chunks_says_how_many_were_accepted(self):
        def respond(r):
            if len(self.stub.requests) == 1:
                return accepted(r)
            return Answer(413, {"title": "Payload Too Large", "status": 413, "detail": "too many"},
                          "application/problem+json")

        self.stub.respond = respond
        with self.assertRaises(TesseraError) as caught:
            self.client().send("s", [{"a": i} for i in range(3)], chunk_size=2)
        self.assertEqual(caught.exception.status, 413)
        self.assertEqual(caught.exception.accepted, 2)

    def test_503_is_retried_with_the_same_idempotency_key(self):
        def respond(r):
            if len(self.stub.requests) < 3:
                return Answer(503, {"title": "Service Unavailable", "status": 503, "detail": "Kafka"},
                              "application/problem+json", {"Retry-After": "0"})
            return accepted(r)

        self.stub.respond = respond
        self.assertEqual(self.client(retries=2).send("s", [{"a": 1}], idempotency_key="k"), 1)
        self.assertEqual([r.headers["Idempotency-Key"] for r in self.stub.requests], ["k", "k", "k"])

    def test_an_accepted_request_whose_answer_is_not_json_is_not_retried(self):
        self.stub.respond = lambda r: Answer(202, "ok", "text/plain")
        with self.assertRaisesRegex(TesseraError, "not JSON") as caught:
            self.client().send("s", [{"a": 1}])
        self.assertEqual(caught.exception.status, 202)
        self.assertEqual(len(self.stub.requests), 1)

    def test_503_after_the_retries_raises(self):
        self.stub.respond = lambda r: Answer(
            503, {"title": "Service Unavailable", "status": 503, "detail": "Kafka did not acknowledge"},
            "application/problem+json", {"Retry-After": "0"})
        with self.assertRaises(TesseraError) as caught:
            self.client(retries=1).send("s", [{"a": 1}])
        self.assertEqual(caught.exception.status, 503)
        self.assertEqual(caught.exception.retry_after, "0")
        self.assertEqual(len(self.stub.requests), 2)


class TokenTest(StubTestCase):
    def test_no_token_no_authorization_header(self):
        self.client().features("user", "u1")
        self.assertNotIn("Authorization", self.stub.requests[0].headers)

    def test_token_from_the_environment(self):
        os.environ["TESSERA_TOKEN"] = "env-token\n"
        self.client().features("user", "u1")
        self.assertEqual(self.stub.requests[0].headers["Authorization"], "Bearer env-token")

    def test_token_from_a_file_argument_or_the_environment(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jwt", delete=False) as f:
            f.write("file-token\n")
        self.addCleanup(os.unlink, f.name)
        self.assertEqual(Client(token_file=f.name).token, "file-token")
        os.environ["TESSERA_TOKEN_FILE"] = f.name
        self.assertEqual(Client().token, "file-token")
        self.assertEqual(Client(token="arg").token, "arg", "an argument wins over the environment")

    def test_a_token_per_service(self):
        self.stub.respond = lambda r: accepted(r) if r.method == "POST" else Answer(200, {"features": {}})
        client = self.client(token="both", reader_token="reader-only")
        client.send("s", [{"a": 1}])
        client.features("user", "u1")
        self.assertEqual(self.stub.requests[0].headers["Authorization"], "Bearer both")
        self.assertEqual(self.stub.requests[1].headers["Authorization"], "Bearer reader-only")

    def test_urls_from_the_environment_then_run_sh_defaults(self):
        self.assertEqual(Client().gateway_url, "http://localhost:8080")
        self.assertEqual(Client().reader_url, "http://localhost:8082")
        os.environ["TESSERA_GATEWAY_URL"] = "http://gw:1/"
        os.environ["TESSERA_READER_URL"] = "http://rd:2"
        self.assertEqual((Client().gateway_url, Client().reader_url), ("http://gw:1", "http://rd:2"))

    def test_401_maps_to_an_error(self):
        self.stub.respond = lambda r: Answer(
            401, {"title": "Unauthorized", "status": 401,
                  "detail": "no bearer token; send Authorization: Bearer <JWT>"},
            "application/problem+json", {"WWW-Authenticate": "Bearer"})
        with self.assertRaises(TesseraError) as caught:
            self.client().features("user", "u1")
        self.assertEqual((caught.exception.status, caught.exception.title), (401, "Unauthorized"))
        self.assertIn("no bearer token", str(caught.exception))


class FeaturesTest(StubTestCase):
    ONE = {
        "entity": "user",
        "id": "u1",
        "features": {
            "txn_amount_sum_1h": {"value": 35.75, "status": "PRESENT",
                                  "event_time": "2026-11-29T23:18:31Z", "age_ms": 2296},
            "last_5_merchants": {"value": ["books", "games"], "status": "STALE",
                                 "event_time": "2026-11-28T23:18:31Z", "age_ms": 86400000},
            "txn_count_5m": {"value": None, "status": "MISSING", "event_time": None, "age_ms": None},
        },
    }

    def test_one_id_is_a_get_with_names(self):
        self.stub.respond = lambda r: Answer(200, self.ONE)
        result = self.client(token="t").features(
            "user", "u1", ["txn_amount_sum_1h", "last_5_merchants", "txn_count_5m"])
        r = self.stub.requests[0]
        self.assertEqual(r.method, "GET")
        self.assertEqual(r.path, "/v1/features/user/u1?names=txn_amount_sum_1h,last_5_merchants,txn_count_5m")
        self.assertEqual(r.headers["Authorization"], "Bearer t")
        self.assertEqual(list(result), ["u1"])
        f = result["u1"]
        self.assertEqual(f["txn_amount_sum_1h"], Feature(35.75, "PRESENT", "2026-11-29T23:18:31Z", 2296))
        self.assertTrue(f["txn_amount_sum_1h"].present)
        self.assertEqual(f["txn_amount_sum_1h"].event_datetime,
                         dt.datetime(2026, 11, 29, 23, 18, 31, tzinfo=dt.timezone.utc))
        self.assertEqual(f["last_5_merchants"].value, ["books", "games"])
        self.assertEqual(f["last_5_merchants"].status, "STALE")
        self.assertEqual(f["txn_count_5m"], Feature(None, "MISSING", None, None))
        self.assertIsNone(f["txn_count_5m"].event_datetime)

    def test_one_id_all_names_and_escaping(self):
        self.stub.respond = lambda r: Answer(200, {"entity": "user", "id": "a/b c", "features": {}})
        self.assertEqual(self.client().features("user", "a/b c"), {"a/b c": {}})
        self.assertEqual(self.stub.requests[0].path, "/v1/features/user/a%2Fb%20c")

    def test_a_single_name_as_a_string(self):
        self.stub.respond = lambda r: Answer(200, self.ONE)
        self.client().features("user", "u1", "txn_amount_sum_1h")
        query = urllib.parse.urlsplit(self.stub.requests[0].path).query
        self.assertEqual(query, "names=txn_amount_sum_1h")

    def test_many_ids_are_a_batch_post(self):
        def respond(r):
            body = json.loads(r.body)
            return Answer(200, {"entity": "user", "results": [
                {"entity": "user", "id": i, "features": {n: {"value": 1, "status": "PRESENT",
                                                             "event_time": "2026-01-01T00:00:00Z",
                                                             "age_ms": 5} for n in body["names"]}}
                for i in body["ids"]]})

        self.stub.respond = respond
        result = self.client().features("user", ["u1", "u2", "u3"], ["txn_count_5m"], chunk_size=2)
        self.assertEqual([r.method for r in self.stub.requests], ["POST", "POST"])
        self.assertEqual(self.stub.requests[0].path, "/v1/features/user")
        self.assertEqual(self.stub.requests[0].headers["Content-Type"], "application/json")
        self.assertEqual(json.loads(self.stub.requests[0].body), {"ids": ["u1", "u2"], "names": ["txn_count_5m"]})
        self.assertEqual(json.loads(self.stub.requests[1].body), {"ids": ["u3"], "names": ["txn_count_5m"]})
        self.assertEqual(list(result), ["u1", "u2", "u3"])
        self.assertEqual(result["u3"]["txn_count_5m"], Feature(1, "PRESENT", "2026-01-01T00:00:00Z", 5))

    def test_batch_without_names_asks_for_all(self):
        self.stub.respond = lambda r: Answer(200, {"entity": "user", "results": []})
        self.client().features("user", ("u1",))
        self.assertEqual(json.loads(self.stub.requests[0].body), {"ids": ["u1"]})

    def test_no_ids_no_request(self):
        self.assertEqual(self.client().features("user", []), {})
        self.assertEqual(self.stub.requests, [])

    def test_ids_must_be_strings(self):
        with self.assertRaisesRegex(TypeError, r"ids\[1\]"):
            self.client().features("user", ["u1", 2])

    def test_unknown_feature_and_entity(self):
        self.stub.respond = lambda r: Answer(
            400, {"title": "Bad Request", "status": 400, "detail": "unknown feature 'nope' of entity 'user'"},
            "application/problem+json")
        with self.assertRaises(TesseraError) as caught:
            self.client().features("user", "u1", ["nope"])
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(caught.exception.detail, "unknown feature 'nope' of entity 'user'")
        self.stub.respond = lambda r: Answer(
            404, {"title": "Not Found", "status": 404, "detail": "unknown entity 'nobody'"},
            "application/problem+json")
        with self.assertRaises(TesseraError) as caught:
            self.client().features("nobody", ["x"])
        self.assertEqual(caught.exception.status, 404)

    def test_a_refusal_that_is_not_problem_json(self):
        self.stub.respond = lambda r: Answer(502, "<html>bad gateway</html>", "text/html")
        with self.assertRaises(TesseraError) as caught:
            self.client().features("user", "u1")
        e = caught.exception
        self.assertEqual(e.status, 502)
        self.assertEqual(e.title, "Bad Gateway")
        self.assertEqual(e.detail, "<html>bad gateway</html>")
        self.assertEqual(e.problem, {})

    def test_an_answer_that_is_not_json(self):
        self.stub.respond = lambda r: Answer(200, "not json", "text/plain")
        with self.assertRaisesRegex(TesseraError, "not JSON"):
            self.client().features("user", "u1")


class UnreachableTest(unittest.TestCase):
    def test_connection_refused_is_an_error_without_status(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = "http://127.0.0.1:%d" % port
        with self.assertRaises(TesseraError) as caught:
            Client(url, url, timeout=2, retries=0).features("user", "u1")
        self.assertIsNone(caught.exception.status)
        self.assertIn("cannot reach", str(caught.exception))


@unittest.skipUnless(shutil.which("openssl"), "needs the openssl command to make a certificate")
class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        cls.cert = os.path.join(cls.dir, "cert.pem")
        cls.key = os.path.join(cls.dir, "key.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-keyout", cls.key, "-out", cls.cert, "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(self.cert, self.key)
        self.stub = Stub(server_context)
        self.addCleanup(self.stub.close)
        self.stub.respond = lambda r: Answer(200, {"entity": "user", "id": "u1", "features": {}})

    def test_ca_file(self):
        client = Client(self.stub.url, self.stub.url, ca_file=self.cert, timeout=5)
        self.assertEqual(client.features("user", "u1"), {"u1": {}})

    def test_ssl_context(self):
        context = ssl.create_default_context(cafile=self.cert)
        self.assertEqual(Client(self.stub.url, self.stub.url, ssl_context=context).features("user", "u1"),
                         {"u1": {}})

    def test_untrusted_certificate_is_an_error(self):
        with self.assertRaisesRegex(TesseraError, "CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            Client(self.stub.url, self.stub.url, timeout=5, retries=0).features("user", "u1")


if __name__ == "__main__":
    unittest.main()
