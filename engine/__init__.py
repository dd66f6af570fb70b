"""The inference engine, in layers; each imports only the layers below it (import-linter keeps it so).

base → language → knowledge → runtime → results → (explain, authoring: neither imports the other) → services.
See docs/ARCHITECTURE.md for what each layer holds and how an assessment flows through them.
"""
