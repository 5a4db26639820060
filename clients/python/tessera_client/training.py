"""Training sets: ``./tessera training-set`` run from Python, and its output read back."""

import csv
import os
import signal
import subprocess
from typing import Any, Dict, List, Optional, Sequence, Union

from .errors import TesseraError, TrainingSetError

PARQUET_MAGIC = b"PAR1"


def find_tessera(tessera: Optional[str] = None, start: Optional[str] = None) -> str:
    """The path of the ``tessera`` launcher: ``tessera`` (a file, or a repository root holding
    one), else ``$TESSERA_HOME/tessera``, else the first executable ``tessera`` file in the
    current directory (or ``start``) or one of its parents."""
    if tessera:
        path = os.path.join(tessera, "tessera") if os.path.isdir(tessera) else tessera
        if not _is_launcher(path):
            raise TesseraError("no executable tessera launcher at %s" % path)
        return os.path.abspath(path)
    home = os.environ.get("TESSERA_HOME")
    if home:
        path = os.path.join(home, "tessera")
        if not _is_launcher(path):
            raise TesseraError("TESSERA_HOME is %s, but it has no executable tessera launcher" % home)
        return os.path.abspath(path)
    directory = os.path.abspath(start or os.getcwd())
    while True:
        path = os.path.join(directory, "tessera")
        if _is_launcher(path):
            return path
        parent = os.path.dirname(directory)
        if parent == directory:
            raise TesseraError(
                "cannot find the tessera launcher: pass tessera=<path to the repository's ./tessera>, "
                "set TESSERA_HOME to the repository root, or run from inside the repository"
            )
        directory = parent


def _is_launcher(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def training_set(
    spine_path: str,
    features: Union[str, Sequence[str]],
    out_path: str,
    *,
    tessera: Optional[str] = None,
    fmt: Optional[str] = None,
    extra_args: Sequence[str] = (),
    timeout: Optional[float] = None,
) -> str:
    """Runs ``./tessera training-set --spine SPINE --features a,b,c --out OUT [--format FMT]``
    from the repository root and returns ``out_path``.

    The spine (Parquet or CSV) has the entity's key column (``user_id`` for ``user``), a ``ts``
    column (ISO-8601 or epoch millis) and any labels; the output has the spine's columns, then per
    feature ``<feature>`` and ``<feature>_status``, each as of its row's ``ts``.

    ``fmt`` is passed as ``--format`` (``"csv"`` or ``"parquet"``); when ``None`` it is ``csv`` for
    an ``out_path`` ending in ``.csv`` and otherwise left to the command (Parquet). ``tessera`` is
    the launcher (see ``find_tessera``). ``extra_args`` are appended as given. Raises
    ``TrainingSetError`` with the command's stderr when it exits non-zero.
    """
    if isinstance(features, str):
        names = [n.strip() for n in features.split(",")]
    else:
        names = [str(n).strip() for n in features]
    if not names or any(not n or "," in n for n in names):
        raise ValueError("features must be one or more non-empty names without commas: %r" % (features,))
    if not os.path.exists(spine_path):
        raise FileNotFoundError("no spine file at %s" % spine_path)
    launcher = find_tessera(tessera)
    if fmt is None and out_path.lower().endswith(".csv"):
        fmt = "csv"
    spine_abs = os.path.abspath(spine_path)
    out_abs = os.path.abspath(out_path)
    command = [
        launcher,
        "training-set",
        "--spine",
        spine_abs,
        "--features",
        ",".join(names),
        "--out",
        out_abs,
    ]
    if fmt:
        command += ["--format", fmt]
    command += [str(a) for a in extra_args]
    # A session of its own, so that a timeout stops the launcher and whatever it started (a build).
    process = subprocess.Popen(
        command,
        cwd=os.path.dirname(launcher),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr_bytes = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        stdout, stderr_bytes = process.communicate()
        raise TrainingSetError(
            "tessera training-set did not finish within %s s: %s" % (timeout, _tail(_text(stderr_bytes))),
            returncode=None,
            stderr=_text(stderr_bytes),
            stdout=_text(stdout),
            command=command,
        ) from None
    except BaseException:  # KeyboardInterrupt in a notebook: stop the command too
        _kill(process)
        raise
    completed = subprocess.CompletedProcess(command, process.returncode, stdout, stderr_bytes)
    stderr = _text(completed.stderr)
    if completed.returncode != 0:
        raise TrainingSetError(
            "tessera training-set exited with status %d: %s"
            % (completed.returncode, _tail(stderr) or "(no output on stderr)"),
            returncode=completed.returncode,
            stderr=stderr,
            stdout=_text(completed.stdout),
            command=command,
        )
    return out_path


def _kill(process: "subprocess.Popen[bytes]") -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _tail(text: str, limit: int = 2000) -> str:
    """The end of a command's stderr (where the error is) for a message; the whole is kept apart."""
    text = text.strip()
    return text if len(text) <= limit else "..." + text[-limit:]


def _text(data: Any) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def read_training_set(path: str) -> List[Dict[str, Any]]:
    """The rows of a training set as dicts, column name to value.

    Parquet (recognised by its magic bytes) is read with pyarrow, which must be installed
    (``pip install pyarrow``), and keeps its types. CSV is read with the ``csv`` module: every
    value is a string as written (an empty field is ``""``).
    """
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == PARQUET_MAGIC:
        try:
            import pyarrow.parquet as pq  # type: ignore
        except ImportError:
            raise TesseraError(
                "%s is Parquet, and reading Parquet needs pyarrow (pip install pyarrow); "
                "or write the training set as CSV (fmt='csv')" % path
            ) from None
        return pq.read_table(path).to_pylist()
    with open(path, "r", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
