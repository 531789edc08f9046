"""The command-line front end: `coach` and its subcommands (`cli/commands/<name>.py`).

A front end like the TUI: it may import the core (agent, knowledge, prompts, graphs) and the TUI (no
arguments opens it); the core never imports it.
"""
