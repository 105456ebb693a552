"""The classifier's pure core: rules over sentences, no I/O, no clock.

``classify(release)`` finds the commitments in a ``ReleasePublished`` and
returns a ``ReleaseClassified``.
"""

from .classifier import CLASSIFIER_VERSION, classify

__all__ = ["CLASSIFIER_VERSION", "classify"]
