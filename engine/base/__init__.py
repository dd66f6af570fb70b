"""Base: what every layer of the engine shares: its error types, atomic file writes, graph helpers."""
