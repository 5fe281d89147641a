"""The benchmark: bench/run.py (import, page data, report) and bench/browser.py (pages in a browser)."""
