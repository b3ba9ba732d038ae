"""Background work on a task queue: the periodic jobs (daily sweep, mail and request clocks,
audit anchor) as tasks, run by `privacydesk worker` (see docs/architecture.md)."""
