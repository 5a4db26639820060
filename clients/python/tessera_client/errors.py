"""The client's exceptions."""

from typing import Any, Dict, List, Optional


class TesseraError(Exception):
    """A refusal by a Tessera service, or a failure to reach it.

    For a refusal, ``status``, ``title`` and ``detail`` come from the service's
    ``application/problem+json`` body (RFC 9457); ``problem`` is that whole body
    (the gateway adds ``errors``: each bad event's ``index``, ``field`` and
    ``reason``). When the service could not be reached, ``status`` is ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        title: Optional[str] = None,
        detail: Optional[str] = None,
        problem: Optional[Dict[str, Any]] = None,
        url: Optional[str] = None,
        retry_after: Optional[str] = None,
        accepted: int = 0,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.detail = detail
        self.problem = problem if problem is not None else {}
        self.url = url
        self.retry_after = retry_after
        #: for ``send``: how many events earlier requests had accepted before this one failed
        self.accepted = accepted

    @property
    def errors(self) -> List[Dict[str, Any]]:
        """The gateway's list of invalid events (``index``, ``field``, ``reason``), or ``[]``."""
        errors = self.problem.get("errors")
        return errors if isinstance(errors, list) else []


class TrainingSetError(TesseraError):
    """``./tessera training-set`` failed: ``returncode``, ``stderr`` and ``command`` say how."""

    def __init__(
        self, message: str, *, returncode: Optional[int], stderr: str, stdout: str, command: List[str]
    ) -> None:
        super().__init__(message, detail=stderr)
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout
        self.command = command
