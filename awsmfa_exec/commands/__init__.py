"""One module per command: plain functions that take plain values, callable without typer."""
