"""The small UI layer between pages/ and pipeline/: cached accessors, charts, shared widgets."""
