"""Run by a Java end-to-end test on the real stack (it sets TESSERA_GATEWAY_URL, TESSERA_READER_URL, TESSERA_HOME, TESSERA_TOKEN); skipped without those URLs.

Against `./run.sh` by hand, from the repository root:

    TESSERA_GATEWAY_URL=http://localhost:8080 TESSERA_READER_URL=http://localhost:8082 TESSERA_HOME=$PWD \
        python3 -m unittest discover -s clients/python/tests -v

Without TESSERA_TOKEN (or TESSERA_TOKEN_FILE) the tokens `./run.sh` writes under
$TESSERA_HOME/.tessera/tokens/ are used: producer.jwt for the gateway, reader.jwt for the reader.
TESSERA_TEST_WAIT_S (default 120) bounds the wait for a feature to show.
"""

import csv
import os
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tessera_client import Client, TesseraError, read_training_set, training_set  # noqa: E402

GATEWAY = os.environ.get("TESSERA_GATEWAY_URL")
READER = os.environ.get("TESSERA_READER_URL")
HOME = os.environ.get("TESSERA_HOME")
WAIT_S = float(os.environ.get("TESSERA_TEST_WAIT_S", "120"))

ROLLING = ["txn_amount_sum_1h", "txn_amount_min_1h"]


def _client() -> Client:
    kwargs = {}
    if not os.environ.get("TESSERA_TOKEN") and not os.environ.get("TESSERA_TOKEN_FILE") and HOME:
        tokens = os.path.join(HOME, ".tessera", "tokens")
        for arg, name in (("gateway_token", "producer.jwt"), ("reader_token", "reader.jwt")):
            path = os.path.join(tokens, name)
            if os.path.isfile(path):
                with open(path) as f:
                    kwargs[arg] = f.read().strip()
    return Client(GATEWAY, READER, timeout=30, **kwargs)


@unittest.skipUnless(GATEWAY and READER, "set TESSERA_GATEWAY_URL and TESSERA_READER_URL to run on a live stack")
class LiveStackTest(unittest.TestCase):
    """One fresh user: three transactions sent, then its rolling features read, then a training set."""

    @classmethod
    def setUpClass(cls):
        cls.client = _client()
        cls.user = "py-" + uuid.uuid4().hex[:12]
        now = int(time.time() * 1000)
        cls.first_ts = now - 3000
        events = [
            {"user_id": cls.user, "amount": 10.5, "merchant": "books", "ts": now - 3000},
            {"user_id": cls.user, "amount": 20.0, "merchant": "games", "ts": now - 2000},
            {"user_id": cls.user, "amount": 5.25, "merchant": "books", "ts": now - 1000},
        ]
        cls.accepted = cls.client.send("transactions", events)
        cls.served = cls._wait_for_features()
        cls.served_at = int(time.time() * 1000)

    @classmethod
    def _wait_for_features(cls):
        deadline = time.monotonic() + WAIT_S
        last = None
        while time.monotonic() < deadline:
            last = cls.client.features("user", cls.user, ROLLING)[cls.user]
            sum_1h = last["txn_amount_sum_1h"]
            if sum_1h.present and sum_1h.value == 35.75 and last["txn_amount_min_1h"].present:
                return last
            time.sleep(0.5)
        raise AssertionError("txn_amount_sum_1h of %s did not show 35.75 within %s s; last: %r"
                             % (cls.user, WAIT_S, last))

    def test_send_accepted_every_event(self):
        self.assertEqual(self.accepted, 3)

    def test_rolling_features_are_served(self):
        sum_1h = self.served["txn_amount_sum_1h"]
        self.assertEqual(sum_1h.status, "PRESENT")
        self.assertEqual(sum_1h.value, 35.75)
        self.assertEqual(self.served["txn_amount_min_1h"].value, 5.25)
        self.assertIsNotNone(sum_1h.event_time)
        self.assertIsInstance(sum_1h.age_ms, int)
        self.assertIsNotNone(sum_1h.event_datetime)

    def test_batch_read_of_a_known_and_an_unknown_id(self):
        stranger = "py-none-" + uuid.uuid4().hex[:12]
        result = self.client.features("user", [self.user, stranger], ROLLING + ["txn_count_5m"])
        self.assertEqual(set(result), {self.user, stranger})
        self.assertEqual(result[self.user]["txn_amount_sum_1h"].value, 35.75)
        for name in ROLLING + ["txn_count_5m"]:
            self.assertEqual(result[stranger][name].status, "MISSING")
            self.assertIsNone(result[stranger][name].value)

    def test_an_invalid_event_is_refused_with_its_problem(self):
        with self.assertRaises(TesseraError) as caught:
            self.client.send("transactions", [{"user_id": self.user, "amount": "ten", "ts": "yesterday"}])
        e = caught.exception
        self.assertEqual(e.status, 400)
        self.assertTrue(e.title)
        self.assertEqual({v["field"] for v in e.errors}, {"amount", "merchant", "ts"})

    def test_an_unknown_feature_is_refused(self):
        with self.assertRaises(TesseraError) as caught:
            self.client.features("user", self.user, ["no_such_feature_" + uuid.uuid4().hex[:6]])
        self.assertEqual(caught.exception.status, 400)

    @unittest.skipUnless(HOME, "set TESSERA_HOME to the repository root to run ./tessera training-set")
    def test_training_set_as_csv(self):
        with tempfile.TemporaryDirectory() as work:
            spine = os.path.join(work, "spine.csv")
            with open(spine, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["user_id", "ts", "label"])
                w.writerow([self.user, self.first_ts - 60000, "0"])  # before any event of the user
                w.writerow([self.user, self.served_at, "1"])  # after the reader served all three
            out = os.path.join(work, "training.csv")
            self.assertEqual(training_set(spine, ROLLING, out, tessera=HOME, fmt="csv", timeout=900), out)
            rows = read_training_set(out)
        self.assertEqual(len(rows), 2)
        columns = list(rows[0])
        self.assertEqual(columns[:3], ["user_id", "ts", "label"])
        for name in ROLLING:
            self.assertIn(name, columns)
            self.assertIn(name + "_status", columns)
        before, after = sorted(rows, key=lambda r: r["label"])
        self.assertEqual((before["user_id"], after["user_id"]), (self.user, self.user))
        self.assertEqual(after["txn_amount_sum_1h_status"], "PRESENT")
        self.assertEqual(float(after["txn_amount_sum_1h"]), 35.75)
        self.assertEqual(float(after["txn_amount_min_1h"]), 5.25)
        # point in time: the row before the events must not see them
        self.assertFalse(before["txn_amount_sum_1h"] and float(before["txn_amount_sum_1h"]) == 35.75,
                         "the row stamped before the events sees them: %r" % before)


if __name__ == "__main__":
    unittest.main()
