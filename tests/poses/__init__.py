"""Tests for backstretch_kit.poses, one module per module of the package.

A package, so that these basenames (test_parse, test_render, ...) can never clash with
another folder's tests under pytest's default import mode.
"""
