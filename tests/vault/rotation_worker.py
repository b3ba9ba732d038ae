"""Helper process for test_rotation_kill.py (not a test module): a private SQLite database
in the data folder given as argv[1], so it can be killed with SIGKILL mid-rotation.

    python rotation_worker.py DATA_DIR setup      # migrate, seal N values
    python rotation_worker.py DATA_DIR reencrypt  # `keys reencrypt`; after each batch (still
                                                  # in its transaction) print "batch" and
                                                  # wait for a line on stdin
    python rotation_worker.py DATA_DIR finish     # check, `keys reencrypt --resume`, check:
                                                  # each check prints "<rows under the
                                                  # current data key> <other rows>" and
                                                  # fails unless every value still opens
"""

from __future__ import annotations

import json
import os
import sys

ROWS = 60


def main() -> None:
    data_dir, mode = sys.argv[1], sys.argv[2]
    os.environ.update(DJANGO_SETTINGS_MODULE="privacydesk.project.settings",
                      PRIVACYDESK_DATA_DIR=data_dir, PRIVACYDESK_ENV="development")
    for name in ("DATABASE_URL", "PRIVACYDESK_KEYS", "PRIVACYDESK_KEY_FILE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    from privacydesk.register import services
    from privacydesk.register.models import Financial
    from privacydesk.vault import datakeys, rotation

    if mode == "setup":
        call_command("migrate", verbosity=0)
        anna = services.create_person(actor="test", purpose="agreement", source="service")
        services.add_role(anna, "customer", actor="test")
        for i in range(ROWS):
            row = Financial(person=anna, source="service", purpose="callback",
                            legal_basis="consent", kind="other")
            row.set_secret(json.dumps({"value": f"value {i}"}))
            row.save()
    elif mode == "reencrypt":
        def held_open(model, n):
            print(f"batch {n}", flush=True)
            sys.stdin.readline()  # the test kills this process here, mid-transaction

        rotation.reencrypt(progress=False, batch_size=5, on_batch=held_open)
        print("done", flush=True)
    elif mode == "finish":
        def check() -> None:
            current = datakeys.current("register.financial")[0]
            rows = Financial.objects.all()
            values = sorted(json.loads(r.get_secret())["value"] for r in rows)
            assert values == sorted(f"value {i}" for i in range(ROWS)), "a value was lost"
            print(rows.filter(key_id=current).count(), rows.exclude(key_id=current).count(),
                  flush=True)

        check()
        rotation.reencrypt(new_keys=False, progress=False, batch_size=5)
        check()


if __name__ == "__main__":
    main()
