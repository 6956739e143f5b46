"""Deterministic demo data for the programme (filled in by the registration issue)."""


def seed_programme(*, stdout) -> None:
    return None
