"""quizkit.expect_error: a lesson's intentional error is shown (traceback + explainer box) without
stopping "Run all"; no error or another error fails loudly."""

import pytest

import quizkit
from quizkit.explain import ErrorNotRaised, UnexpectedError, expect_error

RENAMED = "TrainingArguments.__init__() got an unexpected keyword argument 'evaluation_strategy'"


def test_the_expected_error_is_shown_and_swallowed(capsys):
    with quizkit.expect_error(TypeError, match="evaluation_strategy") as caught:
        raise TypeError(RENAMED)
    out, err = capsys.readouterr()
    assert isinstance(caught.exception, TypeError)
    assert caught.explanation.entry.id == "evaluation-strategy-renamed"
    # the real traceback: the line that raised, then the error itself
    assert err.startswith("Traceback (most recent call last):\n")
    assert "raise TypeError(RENAMED)" in err and err.endswith(f"TypeError: {RENAMED}\n")
    # quizkit's own frames and contextlib's are hidden
    assert "explain.py" not in err and "contextlib" not in err
    # then the box, as %load_ext quizkit shows it
    assert out.startswith("quizkit: ") and "How to fix:" in out and "eval_strategy" in out


def test_an_error_without_a_catalogue_entry_shows_just_the_traceback(capsys):
    with expect_error(ZeroDivisionError) as caught:
        1 / 0
    out, err = capsys.readouterr()
    assert caught.explanation is None and out == ""
    assert err.endswith("ZeroDivisionError: division by zero\n")


def test_a_subclass_counts_and_several_classes_may_be_named():
    with expect_error(ValueError, KeyError):
        {}["missing"]
    with expect_error(LookupError):
        [][1]


def test_no_error_fails():
    with pytest.raises(ErrorNotRaised, match="expected TypeError or ValueError, but the code ran without an error"):
        with expect_error(TypeError, ValueError):
            pass


def test_another_error_fails_and_keeps_the_real_one_as_cause():
    with pytest.raises(UnexpectedError, match="expected TypeError, got KeyError") as info:
        with expect_error(TypeError):
            {}["x"]
    assert isinstance(info.value.__cause__, KeyError)


def test_a_message_that_does_not_match_fails():
    with pytest.raises(UnexpectedError, match="matching 'no_cuda'"):
        with expect_error(TypeError, match="no_cuda"):
            raise TypeError(RENAMED)


def test_needs_exception_classes():
    with pytest.raises(TypeError, match="one or more exception classes"):
        with expect_error():
            pass
    with pytest.raises(TypeError, match="one or more exception classes"):
        with expect_error("ValueError"):
            pass


@pytest.mark.slow
def test_run_all_goes_on_in_a_real_kernel(tmp_path):
    """In Jupyter: the traceback (no machine paths) and then the box; the next cell still runs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import quizkit\n"
            "from transformers import Trainer, TrainingArguments\n"
            "with quizkit.expect_error(RuntimeError, match='requires either a .model.'):\n"
            f"    Trainer(args=TrainingArguments(output_dir={str(tmp_path)!r}, report_to='none'))"
        ),
        nbformat.v4.new_code_cell("print('next cell ran')"),
    ]
    # allow_errors=False: any error in any cell fails the run, as "Run all" would stop
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False).execute()
    outputs = nb.cells[0].outputs
    kinds = [(o.output_type, o.get("name")) for o in outputs]
    assert ("error", None) not in kinds
    stderr = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stderr")
    assert "Traceback (most recent call last):" in stderr and 'File "Cell In[1]", line 4' in stderr
    assert "transformers/trainer.py" in stderr and "site-packages" not in stderr
    assert stderr.rstrip().splitlines()[-1].startswith("RuntimeError: ")
    box = next(o.data for o in outputs if o.output_type == "display_data")
    assert "Trainer was created without a model" in box["text/html"]
    assert kinds.index(("stream", "stderr")) < kinds.index(("display_data", None))
    assert nb.cells[1].outputs[0].text == "next cell ran\n"
