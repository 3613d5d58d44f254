"""Tests for backstretch_kit.charts, a module per chart module (a package: names stay unique)."""
