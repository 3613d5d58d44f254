"""Tests of backstretch_kit.log, one module per part of it.

A package, so the test modules can share the sample log in ``records.py``.
"""
