"""Retention (R1–R3): deletion dates, legal holds, sweeps, receipts, erasure and backups.

Public entry points: `services.recompute_for_person`, `services.create_hold` /
`lift_hold` / `holds_for`, `plan.plan` / `sweep.run`, `erasure.erase_person`,
`backup.create` / `backup.restore`, `declarations.RETENTION`.
"""
