"""Graph nodes: intake and the turn (`turn.py`, both calling the domain step), the LLM wrap-up."""
