"""Graph nodes: intake, the stage node factory, the turn (ask and handle), wrap-up."""
