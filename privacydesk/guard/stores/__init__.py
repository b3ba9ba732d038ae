"""Counter stores for the detector: memory (one process), Redis (shared), database (shared)."""
