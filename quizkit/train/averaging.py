"""The model a run keeps: the average of its weights at the end of its last epochs.

Fine-tuning on a few hundred examples ends at a point that depends much on the seed (the new
head's start, the order of the batches). Averaging the weights a run passes through late in
training (checkpoint averaging, as in Vaswani et al. 2017; stochastic weight averaging,
Izmailov et al. 2018, tried on pretrained language models by Lu et al. 2022) lands nearer
the middle of the region those weights explore, which tends to generalise better and vary less
from seed to seed, for the memory of one copy of the weights and no extra training steps. (On
lesson 10's drug reviews it did not beat the default: ``benchmarks/bench_train.py``.)
It reaches the ``Trainer`` through its own hook: a ``TrainerCallback`` sums the weights at the
end of each of the last epochs and, at the end of the last one (before that epoch's
evaluation), puts their average into the model.

>>> averaging = weight_averaging_callback(3)
>>> averaging.last_epochs
3
"""

from __future__ import annotations

import math
from typing import Any


def weight_averaging_callback(last_epochs: int) -> Any:
    """A ``TrainerCallback`` that leaves the model with its weights averaged over the ends of
    the last ``last_epochs`` epochs (all of them when the run has fewer).

    The average goes in at the end of the run's last epoch, before its evaluation, so the
    final validation metrics, the test predictions and a saved model are the averaged
    model's. A run stopped early (time budget, Stop button) averages the epochs of the window
    it reached, with the weights it stopped at. With early stopping the Trainer then reloads
    the best evaluated model, the averaged one only when it scored best.
    """
    from transformers import TrainerCallback

    class WeightAveraging(TrainerCallback):
        def __init__(self) -> None:
            self.last_epochs = last_epochs
            self.total: dict[str, Any] = {}
            self.count = 0

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.total, self.count = {}, 0
            # Epochs are numbered from 1; a fractional last epoch counts as one.
            self.first_epoch = math.ceil(state.num_train_epochs) - self.last_epochs + 1

        def on_epoch_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
            last = state.global_step >= state.max_steps or control.should_training_stop
            if math.ceil(state.epoch - 1e-9) >= self.first_epoch or last:
                self._add(model)
            if last and self.count > 1:
                self._load_average(model)

        def _add(self, model: Any) -> None:
            import torch

            with torch.no_grad():
                for name, parameter in model.named_parameters():
                    if name in self.total:
                        self.total[name] += parameter.detach().float()
                    else:
                        self.total[name] = parameter.detach().float().clone()
            self.count += 1

        def _load_average(self, model: Any) -> None:
            import torch

            with torch.no_grad():
                for name, parameter in model.named_parameters():
                    parameter.copy_(self.total[name] / self.count)
            self.total = {}

    return WeightAveraging()
