"""A PEP 517 build backend for tessera_client in the standard library alone.

So that ``python3 -m pip install ./clients/python`` works offline on a bare Python: setuptools
needs the ``wheel`` package to build a wheel before setuptools 70.1 (Python 3.11's bundled
setuptools is 65.5), and build isolation would fetch it from an index. The package is pure
Python with no dependencies, so its wheel is a zip of its sources and three metadata files.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

NAME = "tessera-client"
DIST = "tessera_client"
PACKAGE = "tessera_client"
SUMMARY = "Python client for Tessera: send events, read features, build training sets"
REQUIRES_PYTHON = ">=3.9"
EXTRAS = {"parquet": ["pyarrow"]}

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # clients/python
SDIST_FILES = ["pyproject.toml", "README.md", "_build/tessera_build.py"]


def _version():
    with open(os.path.join(HERE, PACKAGE, "__init__.py"), encoding="utf-8") as f:
        match = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if not match:
        raise RuntimeError("no __version__ in %s/__init__.py" % PACKAGE)
    return match.group(1)


def _metadata():
    lines = [
        "Metadata-Version: 2.1",
        "Name: %s" % NAME,
        "Version: %s" % _version(),
        "Summary: %s" % SUMMARY,
        "Requires-Python: %s" % REQUIRES_PYTHON,
    ]
    for extra, requirements in EXTRAS.items():
        lines.append("Provides-Extra: %s" % extra)
        lines += ['Requires-Dist: %s; extra == "%s"' % (r, extra) for r in requirements]
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            return "\n".join(lines) + "\n\n" + f.read()
    return "\n".join(lines) + "\n"


def _package_files():
    root = os.path.join(HERE, PACKAGE)
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") or name == "py.typed":
                path = os.path.join(directory, name)
                yield path, os.path.relpath(path, HERE).replace(os.sep, "/")


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def _write_wheel(wheel_directory, entries):
    """entries: (arcname, bytes); adds the dist-info and returns the wheel's file name."""
    version = _version()
    dist_info = "%s-%s.dist-info" % (DIST, version)
    name = "%s-%s-py3-none-any.whl" % (DIST, version)
    entries = list(entries) + [
        ("%s/METADATA" % dist_info, _metadata().encode("utf-8")),
        (
            "%s/WHEEL" % dist_info,
            b"Wheel-Version: 1.0\nGenerator: tessera_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        ),
    ]
    record = [_record_line(arcname, data) for arcname, data in entries]
    record.append("%s/RECORD,," % dist_info)
    entries.append(("%s/RECORD" % dist_info, ("\n".join(record) + "\n").encode("utf-8")))
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as wheel:
        for arcname, data in entries:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return name


# -- PEP 517 ------------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    entries = []
    for path, arcname in _package_files():
        with open(path, "rb") as f:
            entries.append((arcname, f.read()))
    return _write_wheel(wheel_directory, entries)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth puts clients/python on sys.path."""
    return _write_wheel(wheel_directory, [("__editable__.%s.pth" % DIST, (HERE + "\n").encode("utf-8"))])


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (DIST, _version())
    name = base + ".tar.gz"
    files = [(os.path.join(HERE, f), f) for f in SDIST_FILES if os.path.exists(os.path.join(HERE, f))]
    files += list(_package_files())
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as sdist:
        for path, arcname in files:
            sdist.add(path, "%s/%s" % (base, arcname), recursive=False)
        pkg_info = _metadata().encode("utf-8")
        info = tarfile.TarInfo("%s/PKG-INFO" % base)
        info.size = len(pkg_info)
        info.mtime = int(time.time())
        info.mode = 0o644
        sdist.addfile(info, io.BytesIO(pkg_info))
    return name
