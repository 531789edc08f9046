"""Helpers of the knowledge tests: a fast stand-in embedder and sample documents."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import numpy as np


class HashEmbedder:
    """A fast, deterministic stand-in embedder (hashed character bigrams) with its own fingerprint."""

    def __init__(self, dim: int = 16, name: str = "hash-test") -> None:
        self._dim = dim
        self.name = name

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def fingerprint(self) -> str:
        return f"{self.name}:{self._dim}:1"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        for a, b in itertools.pairwise(text):
            h = int(hashlib.md5((a + b).encode()).hexdigest()[:8], 16)
            v[h % self._dim] += 1.0
        v[0] += 1e-3
        return v / np.linalg.norm(v)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, self._dim), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_queries(texts)


def write_doc(folder: Path, name: str, body: str) -> Path:
    """Write a text document and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


SAMPLE_MD = """---
title: 内部大模型规范
---

# 内部大模型规范

## 数据出境审批

所有包含客户身份证号和银行卡号的数据，在发送给任何外部模型服务前，必须经过信息安全部审批，并完成脱敏处理。
审批单号需要记录在项目台账中，审计部门每季度抽查一次。

## 值班制度

上线后的智能客服由运维二组负责 7×24 值班，告警阈值为连续五分钟错误率超过百分之三。
值班人员需要在十五分钟内响应告警，并在工单系统中登记处理过程。
"""
