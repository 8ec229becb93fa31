"""l10n-pipeline: Markdown source -> gettext catalogs -> memory and machine prefill -> checks -> pages."""

__version__ = "0.1.0"
