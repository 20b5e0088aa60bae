"""The fault and bad-input suite: hostile servers, inputs and signals, through the CLI."""
