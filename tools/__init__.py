"""The repository's harness (benchmarks, memory, load, demo): run from a checkout, not shipped."""
