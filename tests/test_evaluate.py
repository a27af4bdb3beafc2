"""The accuracy metric (hand-computed cases, agreement with the benchmark's score.py), `cleaner eval`,
and a loose floor on the dev set that catches a collapse of the cleaner."""

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner
from cleaner.score.evaluate import score_doc, score_pairs, shingles, summarize, tokens, worst

from conftest import ARTICLE, BODY, ROOT, run_cli

EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "data" / "scrapinghub" / "dev"
needs_eval = pytest.mark.skipif(not (EVAL / "score.py").exists(), reason="../shared/eval is not beside the repo")


# --- the metric on hand-computed cases ---------------------------------------------------------

def test_tokens_are_word_runs_with_case_kept():
    assert tokens("Don't stop-me now!  The the") == ["Don", "t", "stop", "me", "now", "The", "the"]
    assert tokens("서울에서 회담, 12일") == ["서울에서", "회담", "12일"]


def test_shingles_of_short_and_long_texts():
    assert shingles([]) == Counter()
    assert shingles(["a", "b", "c"]) == Counter({("a", "b", "c"): 1})
    assert shingles(["a", "b", "c", "d"]) == Counter({("a", "b", "c", "d"): 1})
    assert shingles(["a", "b", "c", "d", "e"]) == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})


def test_identical_texts():
    s = score_doc("The talks went on late into the night.", "The talks went on late into the night.")
    assert (s.tp, s.fp, s.fn) == (5, 0, 0)
    assert (s.precision, s.recall, s.f1, s.junk, s.lost) == (1.0, 1.0, 1.0, 0.0, 0.0)


def test_disjoint_texts():
    s = score_doc("one two three four five", "six seven eight nine ten")
    assert (s.tp, s.fp, s.fn) == (0, 2, 2)
    assert (s.precision, s.recall, s.f1, s.junk, s.lost) == (0.0, 0.0, 0.0, 1.0, 1.0)


def test_partial_overlap():
    # truth shingles: (a b c d) (b c d e) (c d e f); prediction: (a b c d) (b c d e) (c d e x) (d e x y)
    s = score_doc("alpha beta gamma delta epsilon zeta", "alpha beta gamma delta epsilon xi ypsilon")
    assert (s.tp, s.fp, s.fn) == (2, 2, 1)
    assert s.precision == 0.5
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(4 / 7)
    assert s.junk == pytest.approx(2 / 7)   # xi, ypsilon of 7 output tokens
    assert s.lost == pytest.approx(1 / 6)   # zeta of 6 truth tokens


def test_shingles_count_as_a_multiset():
    # truth: 5 x "ha" = 2 identical shingles; prediction: 4 x "ha" = 1 shingle
    s = score_doc("ha ha ha ha ha", "ha ha ha ha")
    assert (s.tp, s.fp, s.fn) == (1, 0, 1)
    assert (s.precision, s.recall) == (1.0, 0.5)
    assert s.lost == pytest.approx(1 / 5)


def test_texts_of_one_to_three_tokens_are_one_shingle():
    assert score_doc("Hello world", "Hello, world!").f1 == 1.0
    assert score_doc("Hello world", "Hello there world").f1 == 0.0   # (Hello world) vs (Hello there world)
    assert score_doc("Hi", "Hi").f1 == 1.0
    assert score_doc("Hello world", "hello world").f1 == 0.0         # case is kept


def test_empty_prediction_is_left_out_of_precision():
    text = "The minister said the plan would be ready by spring."
    docs = [score_doc(text, text), score_doc("Another body of some length here.", "")]
    assert docs[1].precision is None and docs[1].recall == 0.0 and docs[1].empty
    s = summarize(docs)
    assert (s.precision, s.recall) == (1.0, 0.5)
    assert s.f1 == pytest.approx(2 / 3)
    assert (s.empty, s.n) == (1, 2)
    assert s.junk == 0.0                    # only documents with output count
    assert s.lost == 0.5
    assert s.f1_doc == 0.5                  # the empty output counts as F1 0 here


def test_empty_truth():
    junk_only = score_doc("", "Subscribe now to our newsletter today")
    assert (junk_only.precision, junk_only.recall, junk_only.f1, junk_only.junk) == (0.0, None, 0.0, 1.0)
    nothing = score_doc("", "")
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, None, None)


def test_worst_ranks_by_f1_then_name_and_puts_undefined_last():
    _, docs = score_pairs([("a b c d e", "a b c d e"), ("a b c d e", "v w x y z"), ("", ""),
                           ("a b c d e", "a b c d x")])
    ranked = worst(dict(zip(["good", "bad", "nothing", "half"], docs)), 3)
    assert [name for name, _ in ranked] == ["bad", "half", "good"]


# --- agreement with the benchmark's own scoring --------------------------------------------------

@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("shared_eval_score", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_agrees(reference, pairs):
    ours, docs = score_pairs(pairs)
    theirs, per = reference.score_docs(pairs, n_bootstrap=0)
    for key in ("precision", "recall", "f1", "f1_doc", "junk", "lost", "empty", "n"):
        assert getattr(ours, key) == pytest.approx(theirs[key]), key
    for mine, ref in zip(docs, per):
        assert mine.to_dict() == {k: v for k, v in ref.items() if k != "exact"}


PAIRS = [
    ("The talks went on late into the night.", "The talks went on late into the night."),
    ("one two three four five", "six seven eight nine ten"),
    ("alpha beta gamma delta epsilon zeta", "MENU alpha beta gamma delta epsilon xi"),
    ("Some body text of a page.", ""),
    ("", "Only junk in this output"),
    ("", ""),
    ("Hi", "Hi there"),
    ("हिन्दी समाचार पत्र में आज की बड़ी ख़बर", "हिन्दी समाचार पत्र में आज"),   # combining marks split tokens
    ("東京で会談が行われた。両首脳は合意した。", "東京で会談が行われた。"),
]


@needs_eval
def test_agrees_with_score_py_on_fixed_pairs(reference):
    assert_agrees(reference, PAIRS)


words = st.lists(st.sampled_from(["the", "The", "talks", "ended", "late", "menu", "share", "é", "1"]), max_size=14)


@needs_eval
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(words.map(" ".join), words.map(" ".join)), min_size=1, max_size=6))
def test_agrees_with_score_py_on_random_pairs(reference, pairs):
    assert_agrees(reference, pairs)


# --- the command ---------------------------------------------------------------------------------



def run(*args):
    return run_cli("eval", *args)


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def scored(tmp_path):
    """Truth a, sub/b, c; prediction a identical, sub/b disjoint, c missing, plus an extra file."""
    truth = write(tmp_path / "truth", {"a.txt": BODY, "sub/b.txt": "one two three four five", "c.txt": BODY})
    pred = write(tmp_path / "pred", {"a.txt": BODY, "sub/b.txt": "six seven eight nine ten"})
    return pred, truth


def test_eval_text_report(scored):
    pred, truth = scored
    res = run(pred, "--truth", truth)
    assert res.exit_code == 1, res.output  # a prediction is missing: scored, and the run says so
    # P = mean(1, 0) over the two outputs; R = mean(1, 0, 0); F1 = 2 * 0.5 * 1/3 / (0.5 + 1/3)
    for figure in ("precision   0.500", "recall      0.333", "F1          0.400", "empty           1"):
        assert re.search(rf"^{figure}$", res.stdout, re.M), figure
    assert "missing         1" in res.stdout
    assert "no prediction for 1 of 3 documents" in res.stderr and "--input-file" not in res.stderr
    worst_rows = res.stdout.split("worst 3 documents:\n")[1].splitlines()[1:]
    assert [row.split()[-1] for row in worst_rows] == ["c", "sub/b", "a"]


def test_eval_json(scored):
    pred, truth = scored
    res = run(pred, "--truth", truth, "--format", "json", "--worst", "2")
    assert res.exit_code == 1
    rec = json.loads(res.stdout)
    assert rec["summary"]["precision"] == 0.5
    assert rec["summary"]["recall"] == pytest.approx(1 / 3)
    assert rec["summary"]["f1"] == pytest.approx(0.4)
    assert rec["summary"]["n"] == 3
    assert rec["missing"] == ["c"]
    assert rec["worst"] == ["c", "sub/b"]
    assert rec["documents"]["a"]["f1"] == 1.0 and rec["documents"]["c"]["empty"]


def test_eval_folder_per_document_truth(tmp_path):
    truth = write(tmp_path / "dev", {"x/truth.txt": BODY, "x/innertext.txt": ARTICLE, "y/truth.txt": BODY})
    pred = write(tmp_path / "pred", {"x.txt": BODY, "y.txt": BODY})
    rec = json.loads(run(pred, "--truth", truth, "--format", "json").stdout)
    assert sorted(rec["documents"]) == ["x", "y"]
    assert rec["summary"]["f1"] == 1.0


def test_eval_input_cleans_on_the_fly(tmp_path):
    truth = write(tmp_path / "truth", {"a.txt": BODY})
    raw = write(tmp_path / "raw", {"a.txt": ARTICLE})
    rec = json.loads(run("--input", raw, "--truth", truth, "--format", "json").stdout)
    cleaned = score_doc(BODY, Cleaner().clean(ARTICLE).text).to_dict()
    assert rec["documents"]["a"] == cleaned
    assert cleaned != score_doc(BODY, ARTICLE).to_dict()   # the input was cleaned, not read as is


def test_eval_input_file_in_folder_per_document(tmp_path):
    dev = write(tmp_path / "dev", {"x/truth.txt": BODY, "x/innertext.txt": ARTICLE})
    res = run("--input", dev, "--input-file", "innertext.txt", "--truth", dev, "--format", "json")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["documents"]["x"] == score_doc(BODY, Cleaner().clean(ARTICLE).text).to_dict()


def test_eval_all_missing_hints_at_the_layout(tmp_path):
    dev = write(tmp_path / "dev", {"x/truth.txt": BODY, "x/innertext.txt": ARTICLE})
    res = run("--input", dev, "--truth", dev)
    assert res.exit_code == 1
    assert "no prediction for 1 of 1 documents" in res.stderr and "--input-file" in res.stderr


def test_eval_bad_prediction_is_reported_and_scored_empty(tmp_path):
    truth = write(tmp_path / "truth", {"a.txt": BODY, "b.txt": BODY})
    pred = write(tmp_path / "pred", {"a.txt": BODY, "b.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"})
    res = run(pred, "--truth", truth, "--format", "json")
    assert res.exit_code == 1
    assert str(pred / "b.txt") in res.stderr
    rec = json.loads(res.stdout)
    assert rec["documents"]["b"]["empty"] and rec["failed"][0]["document"] == "b"


@pytest.mark.parametrize("args, message", [
    (["--truth", "T"], "either PRED_DIR or --input"),
    (["P", "--input", "P", "--truth", "T"], "either PRED_DIR or --input"),
    (["P", "--input-file", "x.txt", "--truth", "T"], "--input-file needs --input"),
    (["P", "--disable", "caption", "--truth", "T"], "--rules and --disable need --input"),
])
def test_eval_usage_errors(tmp_path, args, message):
    paths = {"T": write(tmp_path / "truth", {"a.txt": BODY}), "P": tmp_path}
    res = run(*[paths.get(a, a) for a in args])
    assert res.exit_code == 2
    assert message in res.output


def test_eval_empty_truth_folder(tmp_path):
    (tmp_path / "truth").mkdir()
    res = run(tmp_path, "--truth", tmp_path / "truth")
    assert res.exit_code == 2 and "no truth files" in res.output


# --- a collapse floor on the dev set -------------------------------------------------------------

@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/eval/data is not beside the repo")
def test_dev_set_innertext_has_not_collapsed():
    cleaner = Cleaner()
    pairs = [((d / "truth.txt").read_text(encoding="utf-8"),
              cleaner.clean((d / "innertext.txt").read_text(encoding="utf-8"), source=str(d)).text)
             for d in sorted(DEV.iterdir()) if d.is_dir()]
    summary, _ = score_pairs(pairs)
    assert summary.n == 92
    assert summary.f1 > 0.85, summary
