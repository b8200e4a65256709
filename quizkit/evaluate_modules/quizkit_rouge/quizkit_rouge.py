"""ROUGE-1/2/L F-measure as an ``evaluate`` module, from quizkit.metrics.rouge.

>>> from quizkit.metrics import load_metric
>>> load_metric("rouge").compute(predictions=["the cat sat"], references=["the cat sat"])["rougeL"]
1.0
"""

import evaluate

from quizkit.metrics import rouge
from quizkit.metrics.modules import TEXT_INPUTS, text_features

_DESCRIPTION = """Mean ROUGE-1, ROUGE-2 and ROUGE-L F-measure (0-1) from rouge-score with the Porter
stemmer on; with several references per prediction the best one counts. Same numbers as
quizkit.metrics.rouge (a plain mean, no bootstrap aggregation)."""


class QuizkitRouge(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Lin, ROUGE: A Package for Automatic Evaluation of Summaries, 2004",
            inputs_description=TEXT_INPUTS,
            features=text_features(),
        )

    def _compute(self, predictions, references):
        return rouge(predictions, references)
