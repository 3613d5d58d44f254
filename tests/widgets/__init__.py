"""Tests for backstretch_kit.widgets, one module per widget module (a package: names stay unique)."""
