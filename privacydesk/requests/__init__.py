"""Data-subject requests (Rt1–Rt6): intake, verification, clocks, access, portability,
delivery, correction, erasure, objection and restriction. See docs/requests.md."""
