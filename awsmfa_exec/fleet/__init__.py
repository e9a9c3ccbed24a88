"""The parts of `awsmfa each`: choosing profiles, one shared supply of credentials, the
children and their output, and the summary. `commands/each.py` puts them together."""
