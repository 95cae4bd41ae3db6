"""`python -m helpdesk policies check [DIR]`: every error of every policy file, or a short summary."""

from __future__ import annotations

from pathlib import Path

from .loading import SCHEMAS, Policies, load_policies

DEFAULT_DIRECTORY = Path("policies")


def run_check(directory: Path | str = DEFAULT_DIRECTORY) -> tuple[int, str]:
    """(0, summary) when all files are valid, else (1, one line per error)."""
    result = load_policies(directory)
    if isinstance(result, list):
        files = len({error.file for error in result})
        lines = [str(error) for error in result]
        lines.append(
            f"{len(result)} error(s) in {files} file(s) under {directory}; nothing was changed."
        )
        return 1, "\n".join(lines)
    return 0, summary(result)


def summary(policies: Policies) -> str:
    parts = [
        f"returns ({len(policies.returns.markets)} markets)",
        f"shipping ({len(policies.shipping.markets)} markets, {len(policies.shipping.carriers)} carriers)",
        f"payments ({len(policies.payments.markets)} markets, {len(policies.payments.methods)} methods)",
        f"loyalty ({len(policies.loyalty.markets)} markets, {len(policies.loyalty.tiers)} tiers)",
        f"support ({len(policies.support.teams)} teams)",
        f"insights (churn after {policies.insights.churn_days} days)",
        f"engagement ({sum(rule.on for _, rule in policies.engagement.messages)} messages on)",
    ]
    return f"{len(SCHEMAS)} policy files valid: " + ", ".join(parts)
