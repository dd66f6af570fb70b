"""Knowledge: rule files loaded, checked and linked into one knowledge base, and the cache that keeps it between
runs."""
