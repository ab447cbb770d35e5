"""A stand-in MicroStrategy Library server for the collection's tests, demo and benchmarks."""
