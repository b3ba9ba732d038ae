"""Back-office views. They only translate between HTTP and the services (no rules here)."""
