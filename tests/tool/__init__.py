"""The tool's behaviour, each test on a small project it builds (tests/projects.py)."""
