"""Performance benchmark harness (see docs/performance.md). Not part of the application."""
