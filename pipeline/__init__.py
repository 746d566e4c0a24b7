"""dvk: Dân vận khéo recognition pipeline."""

__version__ = "0.1.0"
