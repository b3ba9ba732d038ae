"""Guard: break-in detection and the offender register (W2)."""
