"""Benchmarks of the nightly run (`make bench`); results go to docs/benchmarks.md."""
