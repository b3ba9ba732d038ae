"""Plumbing shared by every app's management commands: the base class (command.py)."""
