"""A logistic regression over features given by name (scikit-learn, L2, ``lbfgs``: deterministic), as the models
of the decision stage that read a found commitment are fitted."""

from __future__ import annotations

from typing import Any


def fitted_regression(rows: list[tuple[dict[str, float], Any]], c: float) -> tuple[Any, list[str]] | None:
    """(the regression fitted on ``rows`` of (features, class), the feature names in the order of its
    coefficients); None when the rows hold fewer than two classes."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len({label for _, label in rows}) < 2:
        return None
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([features for features, _ in rows])
    regression = LogisticRegression(C=c, max_iter=5000)
    regression.fit(matrix, [label for _, label in rows])
    return regression, [str(name) for name in vectoriser.get_feature_names_out()]
