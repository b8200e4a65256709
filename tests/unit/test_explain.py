"""Every catalogued error is triggered for real on the installed versions and recognised.

If transformers/datasets/evaluate change a message, the test for that entry fails, which is
the point: the catalogue must match what learners actually see.
"""

import warnings

import numpy as np
import pytest
import torch
import transformers
from datasets import Dataset
from packaging.version import Version
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    HfArgumentParser,
    Trainer,
    TrainingArguments,
    default_data_collator,
)
from transformers.utils import is_torch_bf16_gpu_available

from quizkit.explain import CATALOGUE, Explanation, explain, load_catalogue, register, unregister


@pytest.fixture(scope="module")
def tok():
    from transformers import AutoTokenizer

    from quizkit.models import minilm_path

    return AutoTokenizer.from_pretrained(minilm_path())


class Kit:
    """What the triggers need: a tiny random BERT, the bundled tokenizer, small datasets."""

    def __init__(self, tok, tmp_path):
        self.tok, self.tmp = tok, tmp_path
        self.raw = Dataset.from_dict({"text": ["a b c", "hello there world you"] * 4, "label": [0, 1] * 4})
        self.tokenized = self.raw.map(lambda b: tok(b["text"]), batched=True).remove_columns("text")
        self.ids = torch.tensor([[101, 2000, 102]] * 4)

    def model(self, num_labels=2):
        config = BertConfig(vocab_size=self.tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=37, num_labels=num_labels)
        return BertForSequenceClassification(config)

    def args(self, **kwargs):
        return TrainingArguments(**{"output_dir": str(self.tmp / "out"), "report_to": "none", "disable_tqdm": True, **kwargs})

    def first_batch(self, trainer):
        return next(iter(trainer.get_train_dataloader()))


@pytest.fixture
def kit(tok, tmp_path):
    return Kit(tok, tmp_path)


def removed_argument(name, value):
    return lambda k: k.args(**{name: value})


def trainer_with_float_metrics(k):
    trainer = Trainer(model=k.model(), args=k.args(), eval_dataset=k.tokenized, processing_class=k.tok,
                      compute_metrics=lambda eval_pred: 0.5)
    trainer.evaluate()


def best_metric_not_computed(k):
    args = k.args(max_steps=1, eval_strategy="steps", eval_steps=1, save_strategy="steps", save_steps=1,
                  load_best_model_at_end=True, metric_for_best_model="accuracy")
    Trainer(model=k.model(), args=args, train_dataset=k.tokenized, eval_dataset=k.tokenized, processing_class=k.tok).train()


def metrics_on_logits_with_evaluate(k):
    import datasets
    import evaluate

    class LocalAccuracy(evaluate.Metric):  # a local module: evaluate.load would need the network
        def _info(self):
            return evaluate.MetricInfo(description="", citation="", inputs_description="",
                                       features=datasets.Features({"predictions": datasets.Value("int32"),
                                                                   "references": datasets.Value("int32")}))

        def _compute(self, predictions, references):
            return {"accuracy": float(np.mean(np.array(predictions) == np.array(references)))}

    LocalAccuracy().compute(predictions=np.array([[0.1, 0.9], [0.8, 0.2]]), references=[1, 0])


def string_label_dataset(k):
    ds = Dataset.from_dict({"text": ["a b c", "hello there world you"] * 4, "label": ["ham", "spam"] * 4})
    return ds.map(lambda b: k.tok(b["text"]), batched=True).remove_columns("text")


def multi_hot_ints(k):
    model = k.model()
    model.config.problem_type = "multi_label_classification"
    model(input_ids=k.ids, labels=torch.tensor([[0, 1], [1, 0], [1, 1], [0, 0]]))


def head_size_mismatch(k):
    k.model(2).save_pretrained(k.tmp / "saved")
    BertForSequenceClassification.from_pretrained(k.tmp / "saved", num_labels=3)


def evaluate_load_offline(k):
    import evaluate

    evaluate.load("accuracy")


def old_compute_loss(k):
    class OldStyleTrainer(Trainer):  # the pre-4.46 override signature, as in older tutorials
        def compute_loss(self, model, inputs, return_outputs=False):
            return model(**inputs).loss

    OldStyleTrainer(model=k.model(), args=k.args(max_steps=1), train_dataset=k.tokenized, processing_class=k.tok).train()


def tokenizer_without_pad(k):
    from transformers import AutoTokenizer

    from quizkit.models import minilm_path

    gpt_like = AutoTokenizer.from_pretrained(minilm_path())
    gpt_like.pad_token = None
    gpt_like(["a", "b c d"], padding=True)


def load_metric_import(k):
    from datasets import load_metric  # noqa: F401


def dataset_script(k):
    from datasets import load_dataset

    script = k.tmp / "my_dataset.py"
    script.write_text("import datasets\n")
    load_dataset(str(script))


# entry id (optionally "#variant") -> a function that makes the real library raise it
TRIGGERS = {
    "evaluation-strategy-renamed": removed_argument("evaluation_strategy", "epoch"),
    "evaluation-strategy-renamed#parser": lambda k: HfArgumentParser(TrainingArguments).parse_args_into_dataclasses(
        ["--output_dir", str(k.tmp), "--evaluation_strategy", "epoch"]),
    "no-cuda-removed": removed_argument("no_cuda", True),
    "overwrite-output-dir-removed": removed_argument("overwrite_output_dir", True),
    "save-safetensors-removed": removed_argument("save_safetensors", True),
    "use-mps-device-removed": removed_argument("use_mps_device", True),
    "include-inputs-for-metrics-renamed": removed_argument("include_inputs_for_metrics", True),
    "per-gpu-batch-size-removed": removed_argument("per_gpu_train_batch_size", 8),
    "warmup-ratio-removed": removed_argument("warmup_ratio", 0.1),
    "logging-dir-removed": removed_argument("logging_dir", "runs"),
    "group-by-length-replaced": removed_argument("group_by_length", True),
    "trainer-tokenizer-removed": lambda k: Trainer(model=k.model(), args=k.args(), tokenizer=k.tok),
    "trainer-tokenizer-removed#attribute": lambda k: Trainer(model=k.model(), args=k.args()).tokenizer,
    "trainer-without-model": lambda k: Trainer(args=k.args()),
    "model-name-instead-of-model": lambda k: Trainer(model="bert-base-uncased", args=k.args()),
    "load-best-strategy-mismatch": lambda k: k.args(load_best_model_at_end=True),
    "load-best-strategy-mismatch#steps": lambda k: k.args(load_best_model_at_end=True, eval_strategy="steps",
                                                         save_strategy="steps", eval_steps=3, save_steps=5),
    "eval-without-eval-dataset": lambda k: Trainer(model=k.model(), args=k.args(eval_strategy="epoch"), train_dataset=k.tokenized),
    "metric-for-best-model-missing": best_metric_not_computed,
    "metric-for-best-model-missing#best-strategy": lambda k: Trainer(
        model=k.model(), args=k.args(eval_strategy="epoch", save_strategy="best"), eval_dataset=k.tokenized),
    "metrics-got-logits": lambda k: __import__("sklearn.metrics").metrics.accuracy_score([0, 1], np.array([[0.1, 0.9], [0.8, 0.2]])),
    "metrics-got-logits#evaluate": metrics_on_logits_with_evaluate,
    "predictions-tuple": lambda k: np.argmax((np.zeros((4, 2)), np.zeros((4, 7, 32))), axis=-1),
    "compute-metrics-returned-float": trainer_with_float_metrics,
    "unpadded-batch": lambda k: k.first_batch(Trainer(model=k.model(), args=k.args(), train_dataset=k.tokenized)),
    "text-column-in-batch": lambda k: k.first_batch(Trainer(
        model=k.model(), args=k.args(remove_unused_columns=False), processing_class=k.tok,
        train_dataset=k.raw.map(lambda b: k.tok(b["text"]), batched=True))),
    "string-labels": lambda k: k.first_batch(Trainer(model=k.model(), args=k.args(), train_dataset=string_label_dataset(k),
                                                     processing_class=k.tok)),
    "string-labels#default-collator": lambda k: default_data_collator([{"input_ids": [1, 2], "label": "ham"},
                                                                      {"input_ids": [1, 2], "label": "spam"}]),
    "no-loss-returned": lambda k: Trainer(model=k.model(), args=k.args(max_steps=1), processing_class=k.tok,
                                          train_dataset=k.tokenized.rename_column("label", "target")).train(),
    "dataset-not-tokenized": lambda k: Trainer(model=k.model(), args=k.args(max_steps=1), processing_class=k.tok,
                                               train_dataset=k.raw.rename_column("label", "target")).train(),
    "dataset-not-tokenized#collator": lambda k: Trainer(model=k.model(), args=k.args(max_steps=1), processing_class=k.tok,
                                                        train_dataset=k.raw).train(),
    "dataset-not-tokenized#model": lambda k: Trainer(model=k.model(), args=k.args(max_steps=1), train_dataset=k.raw).train(),
    "labels-wrong-dtype": lambda k: k.model()(input_ids=k.ids, labels=torch.tensor([0.0, 1.0, 0.0, 1.0])),
    "labels-wrong-dtype#multi-hot-ints": multi_hot_ints,
    "labels-wrong-dtype#multi-hot-single-label": lambda k: k.model()(
        input_ids=k.ids, labels=torch.tensor([[0, 1], [1, 0], [1, 1], [0, 0]])),
    "label-out-of-range": lambda k: k.model()(input_ids=k.ids, labels=torch.tensor([0, 1, 2, 1])),
    "head-size-mismatch": head_size_mismatch,
    "evaluate-load-offline": evaluate_load_offline,
    "compute-loss-signature": old_compute_loss,
    "tokenizer-no-pad-token": tokenizer_without_pad,
    "bf16-unsupported": lambda k: k.args(bf16=True),
    "no-valid-checkpoint": lambda k: Trainer(model=k.model(), args=k.args(max_steps=1), train_dataset=k.tokenized,
                                             processing_class=k.tok).train(resume_from_checkpoint=True),
    "load-metric-removed": load_metric_import,
    "dataset-scripts-unsupported": dataset_script,
    "unknown-training-argument": removed_argument("learning_rat", 1e-4),
}


def test_every_entry_has_a_real_trigger():
    triggered = {key.split("#")[0] for key in TRIGGERS}
    # The two exceptions: a warning (tested below) and the pre-v5 wording that cannot be produced.
    assert triggered | {"gradient-checkpointing-renamed"} == {e.id for e in CATALOGUE}


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(TRIGGERS))
def test_real_error_is_explained_by_its_entry(key, kit):
    if key == "bf16-unsupported" and is_torch_bf16_gpu_available():
        pytest.skip("this GPU supports bf16: the error happens only on machines without one")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as caught:
            TRIGGERS[key](kit)
    explanation = explain(caught.value)
    assert explanation is not None, f"{type(caught.value).__name__}: {caught.value}"
    assert explanation.entry.id == key.split("#")[0], f"{type(caught.value).__name__}: {caught.value}"


@pytest.mark.slow
@pytest.mark.skipif(Version(transformers.__version__) < Version("5.23"),
                    reason="transformers renamed gradient_checkpointing in 5.23; older versions do not warn")
def test_gradient_checkpointing_warning_is_explained(kit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kit.args(gradient_checkpointing=True)
    future = [w.message for w in caught if issubclass(w.category, FutureWarning) and "gradient_checkpointing" in str(w.message)]
    assert future, [str(w.message) for w in caught]
    assert explain(future[0]).entry.id == "gradient-checkpointing-renamed"


@pytest.mark.slow
def test_pre_v5_missing_model_wording_is_not_reproducible_but_recognised(kit):
    with pytest.raises(RuntimeError) as caught:
        Trainer(args=kit.args())
    assert "missing 1 required positional argument" not in str(caught.value)
    entry = next(e for e in CATALOGUE if e.id == "trainer-without-model")
    assert "4.x" in entry.note
    old = TypeError("Trainer.__init__() missing 1 required positional argument: 'model'")
    assert explain(old).entry is entry


def test_unrelated_errors_are_not_explained():
    assert explain(ZeroDivisionError("division by zero")) is None
    assert explain(ValueError("invalid literal for int() with base 10: 'x'")) is None
    # Right words, wrong exception type: not ours.
    assert explain(KeyError("unexpected keyword argument 'evaluation_strategy'")) is None
    with pytest.raises(TypeError, match="exception object"):
        explain("evaluation_strategy")


def test_explains_the_cause_of_a_wrapped_error():
    try:
        try:
            raise ValueError("Asking to pad but the tokenizer does not have a padding token.")
        except ValueError as inner:
            raise RuntimeError("data loading failed") from inner
    except RuntimeError as outer:
        assert explain(outer).entry.id == "tokenizer-no-pad-token"


def test_explanation_text_and_html():
    exc = TypeError("TrainingArguments.__init__() got an unexpected keyword argument 'no_cuda'")
    explanation = explain(exc)
    assert isinstance(explanation, Explanation)
    text = str(explanation)
    assert "What happened:" in text and "How to fix:" in text and "use_cpu=True" in text
    from IPython.core.formatters import format_display_data

    bundle, _ = format_display_data(explanation)  # what a notebook stores for it
    assert bundle["text/plain"] == text
    assert "<b>How to fix:</b>" in bundle["text/html"] and "use_cpu=True" in bundle["text/html"]


def test_catalogue_fields_are_complete_and_fix_code_parses():
    import ast

    for entry in CATALOGUE:
        assert entry.what_happened and entry.how_to_fix and entry.title
        ast.parse(entry.fix_code)  # the corrected line is real Python
        assert all(name[0].isupper() for name in entry.exceptions)


@pytest.mark.parametrize(
    "text, match",
    [
        ("{}", "list of entries"),
        ("- id: x\n  title: t\n", "lacks"),
        ("- {id: a, title: t, exceptions: [E], pattern: '(', what_happened: w, how_to_fix: h, fix_code: c}\n", "invalid"),
        ("- {id: a, title: t, exceptions: [E], pattern: p, what_happened: w, how_to_fix: h, fix_code: c}\n" * 2, "duplicate"),
    ],
)
def test_bad_catalogue_is_reported(text, match):
    with pytest.raises(ValueError, match=match):
        load_catalogue(text)


# --- IPython integration ---------------------------------------------------------------

@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    yield ip
    unregister(ip)
    ip.run_line_magic("unload_ext", "quizkit") if "quizkit" in ip.extension_manager.loaded else None


def test_load_ext_shows_traceback_then_box(shell, capsys, tmp_path):
    shell.run_line_magic("load_ext", "quizkit")
    result = shell.run_cell(
        "from transformers import TrainingArguments\n"
        f"TrainingArguments(output_dir={str(tmp_path)!r}, evaluation_strategy='epoch')\n"
    )
    assert isinstance(result.error_in_exec, TypeError)
    out = capsys.readouterr().out
    traceback_at = out.index("TypeError")
    box_at = out.index("quizkit: 'evaluation_strategy' is now 'eval_strategy'")
    assert traceback_at < box_at
    assert "What happened:" in out[box_at:] and 'eval_strategy="epoch"' in out[box_at:]
    assert "Traceback" in out[:box_at] or "Cell In[" in out[:box_at]


def test_uncatalogued_error_shows_only_the_traceback(shell, capsys):
    register(shell)
    result = shell.run_cell("1 / 0")
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out and "quizkit:" not in out


def test_unregister_restores_the_previous_handler(shell, capsys):
    def mine(self, etype, value, tb, tb_offset=None):
        print("my handler ran")

    shell.set_custom_exc((ZeroDivisionError,), mine)
    register(shell)
    register(shell)  # twice is harmless
    unregister(shell)
    shell.run_cell("1 / 0")
    assert "my handler ran" in capsys.readouterr().out
    shell.run_cell("raise TypeError(\"TrainingArguments.__init__() got an unexpected keyword argument 'no_cuda'\")")
    assert "quizkit:" not in capsys.readouterr().out
    shell.set_custom_exc((), None)


@pytest.mark.slow
def test_box_follows_the_error_in_a_real_kernel(tmp_path):
    """In Jupyter the error output comes first, then the box as HTML with a text fallback."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext quizkit"),
        nbformat.v4.new_code_cell(
            "from transformers import Trainer, TrainingArguments\n"
            f"Trainer(args=TrainingArguments(output_dir={str(tmp_path)!r}, report_to='none'))"
        ),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    outputs = nb.cells[1].outputs
    kinds = [o.output_type for o in outputs]
    assert "error" in kinds and "display_data" in kinds and kinds.index("error") < kinds.index("display_data")
    error = outputs[kinds.index("error")]
    assert error.ename == "RuntimeError"
    box = outputs[kinds.index("display_data")].data
    assert "Trainer was created without a model" in box["text/html"]
    assert "Trainer(model=model, args=args)" in box["text/plain"]
