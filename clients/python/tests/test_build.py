"""The package's own build backend (_build/tessera_build.py): the wheel pip installs from the repository."""

import importlib.util
import os
import shutil
import tempfile
import unittest
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _backend():
    spec = importlib.util.spec_from_file_location("tessera_build", os.path.join(HERE, "_build", "tessera_build.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_wheel_holds_the_package_and_its_metadata(self):
        backend = _backend()
        self.assertEqual(backend.get_requires_for_build_wheel(), [])
        name = backend.build_wheel(self.dir)
        version = backend._version()
        self.assertEqual(name, "tessera_client-%s-py3-none-any.whl" % version)
        with zipfile.ZipFile(os.path.join(self.dir, name)) as wheel:
            names = wheel.namelist()
            for module in ("__init__", "client", "errors", "training"):
                self.assertIn("tessera_client/%s.py" % module, names)
            self.assertFalse([n for n in names if "__pycache__" in n])
            metadata = wheel.read("tessera_client-%s.dist-info/METADATA" % version).decode()
            self.assertIn("Name: tessera-client\n", metadata)
            self.assertIn("Requires-Python: >=3.9\n", metadata)
            self.assertNotIn("Requires-Dist: pyarrow\n", metadata, "pyarrow is an extra, not a dependency")
            record = wheel.read("tessera_client-%s.dist-info/RECORD" % version).decode().splitlines()
            self.assertEqual(len(record), len(names))

    def test_version_is_the_packages(self):
        import sys

        sys.path.insert(0, HERE)
        import tessera_client

        self.assertEqual(_backend()._version(), tessera_client.__version__)


if __name__ == "__main__":
    unittest.main()
