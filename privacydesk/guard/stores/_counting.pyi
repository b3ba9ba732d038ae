"""The C counting loop (privacydesk/guard/stores/_counting.c): counting.count_batch's twin."""

from collections.abc import Callable
from typing import Any

def count_batch(counts: dict[int, Any], keys: list[int], groups: dict[str, Any], t: int,
                base: int, window: int, limit: int, fresh: int, rule_bits: dict[str, int],
                path_bits: dict[str, int], rule_of_bit: dict[int, str], path_table: list[str],
                max_paths: int, evidence_of: Callable[[tuple[Any, ...]], Any], now: float,
                fnow: float, path_id: Callable[[str], int],
                rules_of: Callable[[int], tuple[dict[str, int], list[str]]]
                ) -> tuple[dict[str, Any], int]: ...
