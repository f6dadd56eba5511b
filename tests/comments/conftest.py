"""The comment specifications share the fixtures in tests/conftest.py."""
