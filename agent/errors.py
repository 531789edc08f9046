"""Error hierarchy. Every error a user can cause carries a title, what happened and how to fix it.

Fronts (CLI, TUI) show `title` and `str(error)`, never a traceback, for a `CoachError`.
"""

from __future__ import annotations


class CoachError(Exception):
    """Base of every error the user should see as a message, not a traceback."""

    title = "Error / 错误"
    exit_code = 1

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message


class InputError(CoachError):
    """Invalid user input: an answers file, a path, an argument. Exit code 2."""

    title = "Invalid input / 输入无效"
    exit_code = 2


class ConfigError(CoachError):
    """Configuration that cannot work (bad config file, unusable endpoint settings)."""

    title = "Configuration error / 配置错误"
    exit_code = 2


class StorageError(CoachError):
    """State under COACH_HOME cannot be read or written (read-only, corrupt, disk full)."""

    title = "Storage error / 存储错误"
    exit_code = 1


class ModelError(CoachError):
    """The chat or embedding endpoint failed or returned unusable output."""

    title = "Model error / 模型调用失败"
    exit_code = 1
