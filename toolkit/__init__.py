"""unionkit: model resolutions, open letters and leaflets from YAML, as PDF and DOCX."""

__version__ = "0.1.0"
