"""`coach schema`: print the JSON Schema of the answers file."""

from __future__ import annotations

import argparse
import json


def run(args: argparse.Namespace) -> int:
    """Print the schema (UTF-8, indented) to stdout."""
    from agent.answers_schema import answers_json_schema

    print(json.dumps(answers_json_schema(), ensure_ascii=False, indent=2))
    return 0
