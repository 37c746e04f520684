"""Corridor: find and stop sanctions circumvention through the Eurasian trade corridor."""

__version__ = "0.1.0"
