"""The new classification head gets its own start: a linear probe first, then the whole model.

A pretrained model's classification head starts from random weights. Fine-tuning everything
at once sends the head's large early gradients into the pretrained body; training the head
alone on frozen features first (linear probing, then fine-tuning: Kumar et al. 2022, "LP-FT")
protects those features, and a higher learning rate for the head than for the body lets it
catch up in few steps. Both reach the ``Trainer`` through its own hooks: a
``TrainerCallback`` freezes and unfreezes the body, and the optimizer's parameter groups go
in through ``Trainer(optimizers=...)``.

>>> import torch
>>> model = torch.nn.Module()
>>> model.bert, model.classifier = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
>>> model.base_model_prefix = "bert"
>>> sorted(name for name, _ in head_parameters(model))
['classifier.bias', 'classifier.weight']
"""

from __future__ import annotations

from typing import Any


def head_parameters(model: Any) -> list[tuple[str, Any]]:
    """The parameters outside the pretrained body (``model.base_model_prefix``): the new head."""
    prefix = f"{model.base_model_prefix}."
    return [(name, p) for name, p in model.named_parameters() if not name.startswith(prefix)]


def body_parameters(model: Any) -> list[tuple[str, Any]]:
    """The pretrained body's parameters (everything :func:`head_parameters` leaves out)."""
    head = {name for name, _ in head_parameters(model)}
    return [(name, p) for name, p in model.named_parameters() if name not in head]


def head_and_body_optimizer(model: Any, learning_rate: float, head_learning_rate: float, weight_decay: float = 0.0) -> Any:
    """AdamW with two parameter groups: the body at ``learning_rate``, the head at ``head_learning_rate``.

    The Trainer's scheduler (warm-up, linear decay) scales both groups alike.
    """
    import torch

    groups = [
        {"params": [p for _, p in body_parameters(model)], "lr": learning_rate},
        {"params": [p for _, p in head_parameters(model)], "lr": head_learning_rate},
    ]
    return torch.optim.AdamW(groups, lr=learning_rate, weight_decay=weight_decay)


def linear_probe_callback(steps: int) -> Any:
    """A ``TrainerCallback`` that trains only the head for the first ``steps`` optimizer steps.

    The body's parameters stop requiring gradients when training begins (so backpropagation
    stops at the head: those steps cost about a forward pass) and require them again after
    ``steps`` steps; AdamW skips parameters without gradients, so the body starts fresh then.
    """
    from transformers import TrainerCallback

    class LinearProbe(TrainerCallback):
        def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
            self._set(model, trainable=steps <= 0)

        def on_step_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
            if state.global_step == steps:
                self._set(model, trainable=True)

        def on_train_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
            # A run stopped during the probe (time budget, Stop button) leaves no frozen model behind.
            self._set(model, trainable=True)

        @staticmethod
        def _set(model: Any, trainable: bool) -> None:
            for _, parameter in body_parameters(model):
                parameter.requires_grad_(trainable)

    return LinearProbe()
