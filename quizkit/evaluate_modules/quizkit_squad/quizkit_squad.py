"""SQuAD v1.1 exact match and F1 (percent) as an ``evaluate`` module, from quizkit.metrics.

>>> from quizkit.metrics import load_metric
>>> load_metric("squad").compute(predictions=["Paris"], references=[["paris", "Paris, France"]])
{'exact_match': 100.0, 'f1': 100.0}
"""

import evaluate

from quizkit.metrics import squad_scores
from quizkit.metrics.modules import TEXT_INPUTS, text_features

_DESCRIPTION = """Exact match and token F1 after SQuAD v1.1 answer normalisation (lowercase, no
punctuation, no articles a/an/the, collapsed whitespace), best over each example's gold answers,
averaged over examples and given in percent (0-100) like the official script. Same numbers as
quizkit.metrics.squad_scores."""


class QuizkitSquad(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Rajpurkar et al., SQuAD: 100,000+ Questions for Machine Comprehension of Text, EMNLP 2016",
            inputs_description=TEXT_INPUTS,
            features=text_features(),
        )

    def _compute(self, predictions, references):
        return squad_scores(predictions, references)
