"""quizkit's classification metrics as an ``evaluate`` module (no download needed).

>>> from quizkit.metrics import load_metric
>>> load_metric("quizkit_classification").compute(predictions=[0, 1, 1], references=[0, 1, 0])["precision"]
0.5
"""

import datasets
import evaluate

from quizkit.metrics import from_predictions

_DESCRIPTION = """Accuracy, precision, recall, F1, specificity, balanced accuracy, MCC and the majority
baseline from scikit-learn, exactly as quizkit.metrics.from_predictions(...).to_dict(): binary
labels report the positive class (label 1), more classes report macro averages (plus micro,
weighted and per-class values). Zero division is 0.0."""

_INPUTS = """predictions: predicted class per example. references: actual class per example.
labels (optional): the classes and their order. target_names (optional): a name per label."""


class QuizkitClassification(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_INPUTS,
            features=[
                datasets.Features({"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}),
                datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
            ],
        )

    def _compute(self, predictions, references, labels=None, target_names=None):
        return from_predictions(references, predictions, labels=labels, target_names=target_names).to_dict()
