"""CyberDrill: a cyber crisis exercise simulator for hospitals."""

__version__ = "0.1.0"
