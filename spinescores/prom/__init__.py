"""prom modules of spinescores; each defines INSTRUMENT and one entry point."""
