"""The files the repository ships in seeds/, by name: the folder is also where a user drops releases of their own
(`make run` watches it), so no test lists it."""

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_RELEASE = SEEDS / "2017-11-29-uk-counterterror-iraq.txt"
SEED_SUBSCRIPTIONS = SEEDS / "subscriptions.example.yaml"
