"""Benchmarks: a synthetic vault generator and the timing script (``make bench``)."""
