"""Tests for backstretch_kit.widgets, a module per widget module (a package: names stay unique)."""
