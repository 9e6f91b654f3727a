"""Benchmarks: `make bench` measures the running system; figures are printed, never asserted."""
