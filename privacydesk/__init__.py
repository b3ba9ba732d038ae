"""privacydesk: makes a company's privacy statement true in software, and proves it."""

__version__ = "0.1.0"
