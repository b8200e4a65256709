"""quizkit.analysis.error_analysis: likely label errors are found in out-of-fold baseline probabilities."""

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from quizkit.analysis.baselines import tfidf_pipeline
from quizkit.data import make_dataset
from quizkit.analysis.error_analysis import (
    confident_label_issues,
    likely_label_errors,
    out_of_fold_probabilities,
)


def flipped(n=400, rate=0.05, seed=0):
    """Generated spam with a known set of flipped training labels."""
    data = make_dataset("spam", n=n, seed=seed)
    train = data["train"]
    rng = np.random.default_rng(seed)
    flips = set(rng.choice(len(train), size=int(rate * len(train)), replace=False).tolist())
    data["train"] = train.map(lambda row, i: {"label": 1 - row["label"] if i in flips else row["label"]}, with_indices=True)
    return data, flips


def test_out_of_fold_probabilities_match_scikit_learn():
    data = make_dataset("spam", n=200, seed=1)
    texts, labels = list(data["train"]["text"]), data["train"]["label"]
    ours = out_of_fold_probabilities(texts, labels, n_splits=4, seed=2)
    folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=2)
    expected = cross_val_predict(tfidf_pipeline(seed=2), texts, labels, cv=folds, method="predict_proba")
    np.testing.assert_allclose(ours, expected)


def test_confident_learning_rule_by_hand():
    labels = [0, 0, 0, 1, 1, 1]
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.3, 0.7], [0.1, 0.9], [0.6, 0.4]])
    # Thresholds: class 0 mean(.9, .8, .2) = .633, class 1 mean(.7, .9, .4) = .667.
    flags, suggested = confident_label_issues(labels, probs)
    assert flags.tolist() == [False, False, True, False, False, False]
    assert suggested.tolist() == [0, 0, 1, 1, 1, 1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flipped_labels_are_found(seed):
    data, flips = flipped(seed=seed)
    issues = likely_label_errors(data, seed=seed)
    found = set(issues["index"])
    # Flips are 5% of the labels; at least half of what is flagged is a flip (10x enriched) and
    # at least half of the flips are caught. Not all flags are flips: the spam generator writes
    # 10% of its texts from templates both classes share, whose given label is a coin toss, and
    # confident learning rightly doubts some of those too.
    assert len(found & flips) >= 0.5 * len(found)
    assert len(found & flips) >= 0.5 * len(flips)
    # Most doubtful first; the suggestion is the other class for every flagged flip.
    assert issues["p_given"].is_monotonic_increasing
    names = data["train"].features["label"].names
    truth = {i: names[1 - data["train"][i]["label"]] for i in flips}
    assert all(row.suggested == truth[row.index] for row in issues.itertuples() if row.index in flips)


def test_bad_arguments():
    data = make_dataset("spam", n=100, seed=0)
    with pytest.raises(ValueError, match="no split 'dev'"):
        likely_label_errors(data, split="dev")
    with pytest.raises(ValueError, match="n_splits"):
        likely_label_errors(data, n_splits=1)
    with pytest.raises(ValueError, match="at least 50 examples"):
        likely_label_errors(data, n_splits=50)
