"""Tessera's Python client: send events, read features, build training sets.

    from tessera_client import Client
    client = Client("http://localhost:8080", "http://localhost:8082", token="...")
    client.send("transactions", [{"user_id": "u1", "amount": 10.5, "merchant": "books", "ts": 1767225600000}])
    client.features("user", ["u1"], ["txn_amount_sum_1h"])["u1"]["txn_amount_sum_1h"].value

Standard library only; reading Parquet training sets needs pyarrow.
"""

from .client import MISSING, PRESENT, STALE, Client, Feature
from .errors import TesseraError, TrainingSetError
from .training import find_tessera, read_training_set, training_set

__version__ = "0.1.0"

__all__ = [
    "Client",
    "Feature",
    "TesseraError",
    "TrainingSetError",
    "training_set",
    "read_training_set",
    "find_tessera",
    "PRESENT",
    "STALE",
    "MISSING",
]
