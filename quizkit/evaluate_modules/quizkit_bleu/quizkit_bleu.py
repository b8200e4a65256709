"""Corpus BLEU from sacrebleu as an ``evaluate`` module, from quizkit.metrics.bleu.

>>> from quizkit.metrics import load_metric
>>> load_metric("bleu").compute(predictions=["the cat sat on the mat"], references=[["the cat sat on the mat"]])["brevity_penalty"]
1.0
"""

import evaluate

from quizkit.metrics import bleu
from quizkit.metrics.modules import TEXT_INPUTS, text_features

_DESCRIPTION = """Corpus BLEU (0-100) from sacrebleu.corpus_bleu with its default 13a tokenisation, with
the 1- to 4-gram precisions, brevity penalty and lengths. Predictions may have different numbers
of references. Same numbers as quizkit.metrics.bleu."""


class QuizkitBleu(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Post, A Call for Clarity in Reporting BLEU Scores, WMT 2018",
            inputs_description=TEXT_INPUTS,
            features=text_features(),
        )

    def _compute(self, predictions, references):
        return bleu(predictions, references)
