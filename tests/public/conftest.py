"""Public-site test set-up: a real SMTP server (aiosmtpd) on loopback, the mail settings
pointed at it, and a browser-like client with CSRF checks switched on."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def smtp(smtp_server: Any) -> Any:
    """A real SMTP server on 127.0.0.1; Django sends to it over SMTP (tests/conftest.py)."""
    return smtp_server


@pytest.fixture
def browser_client() -> Client:
    """A client that, like a browser, must carry the CSRF token."""
    return Client(enforce_csrf_checks=True)


def csrf_post(client: Client, url: str, data: dict[str, Any]) -> Any:
    """GET the form page, then POST `data` with its CSRF token, as a browser does."""
    page = client.get(url)
    token = page.context["csrf_token"] if page.context else client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": str(token)})


@pytest.fixture
def post_form() -> Any:
    return csrf_post


@pytest.fixture(scope="session")
def realserver() -> Any:
    """The helpers that run the real `privacydesk serve` (see realserver.py)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "privacydesk_tests_realserver", Path(__file__).with_name("realserver.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
