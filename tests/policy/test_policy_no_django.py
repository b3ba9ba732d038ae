"""The policy core is plain Python: importing it (and using it) never imports Django."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import privacydesk.policy
from privacydesk.policy import active, load_policy, get_default_policy_path, render_statement
policy = active.get_policy()
render_statement(policy, "nl", "html")
from privacydesk.policy.schema_render import json_schema_text, reference
json_schema_text(), reference()
leaked = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print(",".join(leaked))
"""


def test_importing_and_using_the_policy_package_does_not_import_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            check=True, env=env, cwd=ROOT)
    assert result.stdout.strip() == "", f"django modules imported: {result.stdout}"
