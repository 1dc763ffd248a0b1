"""accessibility: public-transport accessibility of steunpunten in the Netherlands."""

__version__ = "0.1.0"
