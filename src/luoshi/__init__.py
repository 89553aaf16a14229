"""luoshi (落实): turn a cascaded development plan into a living, measurable one."""

__version__ = "0.1.0"
