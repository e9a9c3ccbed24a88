"""awsmfa: MFA-aware AWS credentials for a command or a shell, never written to disk."""

__version__ = "0.1.0"
