"""The inference engine: rule schema, condition language, compiler to durable-rules, sessions, results."""
