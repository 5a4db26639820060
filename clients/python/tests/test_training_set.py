"""Unit tests of training_set and read_training_set with a fake ./tessera launcher (no stack needed)."""

import csv
import os
import shutil
import stat
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tessera_client import (  # noqa: E402
    Client,
    TesseraError,
    TrainingSetError,
    find_tessera,
    read_training_set,
    training_set,
)

try:
    import pyarrow  # noqa: F401

    HAS_PYARROW = True
except ImportError:
    HAS_PYARROW = False

# Records its working directory and arguments, then writes a CSV training set to --out; with
# FAKE_TESSERA_FAIL set it fails as the real command does on bad input.
FAKE_TESSERA = r"""#!/usr/bin/env bash
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
{ pwd; printf '%s\n' "$@"; } > "$here/invocation.txt"
if [[ -n ${FAKE_TESSERA_FAIL:-} ]]; then
  echo "training-set: unknown feature 'nope'" >&2
  exit 2
fi
out=
while [[ $# -gt 0 ]]; do
  case $1 in --out) out=$2; shift 2 ;; *) shift ;; esac
done
printf 'user_id,ts,label,txn_amount_sum_1h,txn_amount_sum_1h_status\nu1,2026-01-01T00:00:00Z,1,35.75,PRESENT\nu2,1767225600000,0,,MISSING\n' > "$out"
echo "wrote $out"
"""


class FakeTesseraCase(unittest.TestCase):
    def setUp(self):
        patcher = mock.patch.dict(os.environ, {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")},
                                  clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.root = os.path.realpath(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.root, True)
        self.tessera = os.path.join(self.root, "tessera")
        with open(self.tessera, "w") as f:
            f.write(FAKE_TESSERA)
        os.chmod(self.tessera, os.stat(self.tessera).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        self.work = os.path.realpath(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.work, True)
        self.spine = os.path.join(self.work, "spine.csv")
        with open(self.spine, "w") as f:
            f.write("user_id,ts,label\nu1,2026-01-01T00:00:00Z,1\nu2,1767225600000,0\n")

    def invocation(self):
        with open(os.path.join(self.root, "invocation.txt")) as f:
            lines = f.read().splitlines()
        return lines[0], lines[1:]


class TrainingSetTest(FakeTesseraCase):
    def test_runs_the_command_from_the_repository_root_with_absolute_paths(self):
        cwd = os.getcwd()
        os.chdir(self.work)
        self.addCleanup(os.chdir, cwd)
        out = training_set("spine.csv", ["txn_amount_sum_1h", "txn_count_5m"], "out.csv", tessera=self.tessera)
        self.assertEqual(out, "out.csv")
        directory, args = self.invocation()
        self.assertEqual(directory, self.root)
        self.assertEqual(args, [
            "training-set",
            "--spine", os.path.join(self.work, "spine.csv"),
            "--features", "txn_amount_sum_1h,txn_count_5m",
            "--out", os.path.join(self.work, "out.csv"),
            "--format", "csv",
        ])
        rows = read_training_set(os.path.join(self.work, "out.csv"))
        self.assertEqual(rows[0], {"user_id": "u1", "ts": "2026-01-01T00:00:00Z", "label": "1",
                                   "txn_amount_sum_1h": "35.75", "txn_amount_sum_1h_status": "PRESENT"})
        self.assertEqual(rows[1]["txn_amount_sum_1h_status"], "MISSING")
        self.assertEqual(rows[1]["txn_amount_sum_1h"], "")

    def test_format_and_extra_args(self):
        out = os.path.join(self.work, "out.parquet")
        training_set(self.spine, "a, b", out, tessera=self.root, fmt="parquet", extra_args=["--as-of", "x"])
        _, args = self.invocation()
        self.assertEqual(args[args.index("--features") + 1], "a,b")
        self.assertEqual(args[-4:], ["--format", "parquet", "--as-of", "x"])

    def test_no_format_for_a_non_csv_out_leaves_the_default_to_the_command(self):
        training_set(self.spine, ["a"], os.path.join(self.work, "out.parquet"), tessera=self.tessera)
        _, args = self.invocation()
        self.assertNotIn("--format", args)

    def test_a_failure_raises_with_the_commands_stderr(self):
        os.environ["FAKE_TESSERA_FAIL"] = "1"
        with self.assertRaises(TrainingSetError) as caught:
            training_set(self.spine, ["nope"], os.path.join(self.work, "out.csv"), tessera=self.tessera)
        e = caught.exception
        self.assertIsInstance(e, TesseraError)
        self.assertEqual(e.returncode, 2)
        self.assertIn("unknown feature 'nope'", e.stderr)
        self.assertIn("unknown feature 'nope'", str(e))
        self.assertIn("exited with status 2", str(e))
        self.assertEqual(e.command[0], self.tessera)

    def test_a_timeout_raises(self):
        slow = os.path.join(self.root, "slow")
        os.makedirs(slow)
        path = os.path.join(slow, "tessera")
        with open(path, "w") as f:
            f.write("#!/bin/sh\nexec sleep 30\n")
        os.chmod(path, 0o755)
        with self.assertRaisesRegex(TrainingSetError, "did not finish"):
            training_set(self.spine, ["a"], os.path.join(self.work, "o.csv"), tessera=path, timeout=0.5)

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            training_set(self.spine, [], "o.csv", tessera=self.tessera)
        with self.assertRaises(ValueError):
            training_set(self.spine, ["a,b"], "o.csv", tessera=self.tessera)
        with self.assertRaises(FileNotFoundError):
            training_set(os.path.join(self.work, "none.csv"), ["a"], "o.csv", tessera=self.tessera)

    def test_the_client_method(self):
        out = os.path.join(self.work, "out.csv")
        self.assertEqual(Client().training_set(self.spine, ["a"], out, tessera=self.tessera), out)
        self.assertEqual(len(read_training_set(out)), 2)


class FindTesseraTest(FakeTesseraCase):
    def test_argument_file_or_directory(self):
        self.assertEqual(find_tessera(self.tessera), self.tessera)
        self.assertEqual(find_tessera(self.root), self.tessera)
        with self.assertRaisesRegex(TesseraError, "no executable tessera"):
            find_tessera(self.work)

    def test_tessera_home(self):
        os.environ["TESSERA_HOME"] = self.root
        self.assertEqual(find_tessera(), self.tessera)
        os.environ["TESSERA_HOME"] = self.work
        with self.assertRaisesRegex(TesseraError, "TESSERA_HOME"):
            find_tessera()

    def test_walks_up_from_the_working_directory(self):
        deep = os.path.join(self.root, "clients", "python")
        os.makedirs(deep)
        os.makedirs(os.path.join(self.root, "tessera-cli"))
        self.assertEqual(find_tessera(start=deep), self.tessera)
        cwd = os.getcwd()
        os.chdir(deep)
        self.addCleanup(os.chdir, cwd)
        self.assertEqual(find_tessera(), self.tessera)

    def test_not_found(self):
        with self.assertRaisesRegex(TesseraError, "cannot find the tessera launcher"):
            find_tessera(start=self.work)

    def test_a_non_executable_file_is_not_the_launcher(self):
        os.chmod(self.tessera, 0o644)
        with self.assertRaises(TesseraError):
            find_tessera(start=self.root)


class ReadTrainingSetTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_csv_with_quoted_values(self):
        path = os.path.join(self.dir, "t.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["user_id", "last_5_merchants", "last_5_merchants_status"])
            w.writerow(["u,1", '["books","games"]', "PRESENT"])
        self.assertEqual(read_training_set(path), [
            {"user_id": "u,1", "last_5_merchants": '["books","games"]', "last_5_merchants_status": "PRESENT"}])

    @unittest.skipIf(HAS_PYARROW, "pyarrow is installed")
    def test_parquet_without_pyarrow_is_a_clear_error(self):
        path = os.path.join(self.dir, "t.parquet")
        with open(path, "wb") as f:
            f.write(b"PAR1" + b"\0" * 16 + b"PAR1")
        with self.assertRaisesRegex(TesseraError, "needs pyarrow"):
            read_training_set(path)

    @unittest.skipUnless(HAS_PYARROW, "needs pyarrow")
    def test_parquet_with_pyarrow(self):
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = os.path.join(self.dir, "t.parquet")
        pq.write_table(pa.table({"user_id": ["u1"], "f": [1.5], "f_status": ["PRESENT"]}), path)
        self.assertEqual(read_training_set(path), [{"user_id": "u1", "f": 1.5, "f_status": "PRESENT"}])


if __name__ == "__main__":
    unittest.main()
