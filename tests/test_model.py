"""The decision model: the shipped trees, their evaluation, the evidence rows, and what it decides."""

import math
from pathlib import Path

import numpy as np
import pytest

from cleaner import clean
from cleaner.decide import evidence, model
from cleaner.pipeline import NO_PROSE, build
from cleaner.decide.rules import RuleSet


def test_the_model_file_loads_and_names_exactly_the_features_the_code_computes():
    m = model.load()
    with np.load(model.MODEL_FILE, allow_pickle=False) as data:
        assert tuple(data["names"].tolist()) == evidence.NAMES
        assert tuple(data["second_names"].tolist()) == evidence.NAMES + model.SEQ_NAMES
    assert 0 < m.threshold < 1
    # every split reads a column that exists
    assert m.first.feature.max() < len(evidence.NAMES)
    assert m.later and all(f.feature.max() < len(evidence.NAMES) + len(model.SEQ_NAMES) for f in m.later)
    assert all((f.feature >= 0).any() for f in (m.first, *m.later))
    assert model.read_info()["pages"] > 1000  # trained on the corpora, with its provenance


def test_a_model_file_with_other_features_is_refused(tmp_path, monkeypatch):
    m = model.load()
    path = tmp_path / "model.npz"
    monkeypatch.setattr(model, "NAMES", evidence.NAMES[:-1] + ("no_such_feature",))
    model.save(path, [m.first, *m.later], m.threshold, {})
    monkeypatch.undo()
    with pytest.raises(ValueError, match="no_such_feature"):
        model.load.__wrapped__(path)


def test_a_saved_model_loads_back_the_same(tmp_path):
    m = model.load()
    path = tmp_path / "model.npz"
    model.save(path, [m.first, *m.later], m.threshold, {})
    again = model.load.__wrapped__(path)
    assert again.threshold == m.threshold and len(again.later) == len(m.later)
    for a in model.ARRAYS:
        for mine, theirs in zip((again.first, *again.later), (m.first, *m.later)):
            assert np.array_equal(getattr(mine, a), getattr(theirs, a))


def _walk(node: dict, row: list[float]) -> float:
    """LightGBM's own reading of one tree, node by node (the reference the numpy forest must match)."""
    while "leaf_value" not in node:
        x = row[node["split_feature"]]
        if math.isnan(x):
            left = node["default_left"] if node["missing_type"] == "NaN" else 0.0 <= node["threshold"]
        else:
            left = x <= node["threshold"]
        node = node["left_child"] if left else node["right_child"]
    return node["leaf_value"]


def _random_tree(rng, depth: int, n_features: int) -> dict:
    """A tree as LightGBM dumps it, with both kinds of missing-value handling."""
    if depth == 0 or rng.random() < 0.2:
        return {"leaf_value": float(rng.normal())}
    return {"split_feature": int(rng.integers(n_features)), "threshold": float(rng.normal()),
            "decision_type": "<=", "default_left": bool(rng.random() < 0.5),
            "missing_type": "NaN" if rng.random() < 0.7 else "None", "internal_value": float(rng.normal()),
            "left_child": _random_tree(rng, depth - 1, n_features),
            "right_child": _random_tree(rng, depth - 1, n_features)}


def test_the_vectorised_forest_scores_as_the_trees_read_one_by_one():
    rng = np.random.default_rng(0)
    trees = [{"tree_structure": _random_tree(rng, 6, 8)} for _ in range(40)]
    x = rng.normal(size=(300, 8))
    x[rng.random(x.shape) < 0.1] = np.nan
    forest = model.Forest.from_dump(trees)
    expected = [sum(_walk(t["tree_structure"], list(row)) for t in trees) for row in x]
    assert np.allclose(forest.score(x), expected)
    assert np.allclose(forest.score(x, compiled=False), expected)
    x32 = x.astype(np.float32)  # the evidence rows are float32: compared with the float64 thresholds as they are
    expected32 = [sum(_walk(t["tree_structure"], [float(v) for v in row]) for t in trees) for row in x32]
    assert np.allclose(forest.score(x32), expected32)


def test_the_compiled_walk_is_built_and_gives_the_numpy_walks_decisions():
    """`pip install .` builds the tree walk (cleaner/decide/_trees.pyx); on every seed's rows it
    gives the numpy reference's scores, removals and reasons."""
    assert model.sum_at_leaves is not None, "the compiled tree walk was not built"
    m, rules = model.load(), RuleSet.load()
    groups = np.array([evidence.GROUPS.index(evidence.FEATURES[n]) for n in evidence.NAMES], np.int32)
    for seed in sorted(Path("seeds").glob("*.txt")):
        ev = evidence.gather(build(seed.read_text(encoding="utf-8")), rules)
        x = ev.matrix
        for forest in (m.first, *m.later):
            seq = model.sequence_features(np.full(len(x), 0.5), x, ev.words)
            rows = x if forest is m.first else np.hstack([x, seq])
            compiled, reference = forest.score(rows), forest.score(rows, compiled=False)
            assert np.allclose(compiled, reference, rtol=0, atol=1e-9)
            assert np.array_equal(compiled < 0, reference < 0)
        table = m.first.path_sums(groups, len(evidence.GROUPS))
        assert np.allclose(m.first._sum_over_trees(x, table), m.first._sum_over_trees(x, table, compiled=False))


def test_contributions_add_up_to_the_score():
    """Saabas attribution: the root's value plus every split's change is the leaf value."""
    doc = build(open("seeds/000_0e4cd9aef007af91.txt", encoding="utf-8").read())
    x = evidence.gather(doc, RuleSet.load()).matrix.astype(np.float64)
    forest = model.load().first
    groups = np.arange(len(evidence.NAMES)) % 5
    contrib = forest.contributions(x, groups, 5)
    assert np.allclose(contrib.sum(axis=1) + forest.value[forest.roots].sum(), forest.score(x))


def test_every_evidence_row_has_one_column_per_named_feature():
    doc = build(open("seeds/002_e2bcc63c24407649.txt", encoding="utf-8").read())
    ev = evidence.gather(doc, RuleSet.load())
    assert ev.matrix.shape == (len(ev.open), len(evidence.NAMES))
    assert set(evidence.FEATURES.values()) <= set(model.REASONS)


def _rows(shapes: list[tuple[int, int]]) -> np.ndarray:
    """Evidence rows with only a shape: (words, list item) per row."""
    x = np.zeros((len(shapes), len(evidence.NAMES)), np.float32)
    x[:, evidence.NAMES.index("log_words")] = np.log1p([w for w, _ in shapes])
    x[:, evidence.NAMES.index("list_item")] = [item for _, item in shapes]
    return x


def test_sequence_features_read_the_neighbours():
    p = np.array([0.1, 0.2, 0.9])
    seq = model.sequence_features(p, _rows([(5, 0)] * 3), [frozenset()] * 3)
    col = {name: seq[:, i] for i, name in enumerate(model.SEQ_NAMES)}
    assert col["p-1"][1] == pytest.approx(0.1) and math.isnan(col["p-1"][0])
    assert col["p+1"][1] == pytest.approx(0.9) and math.isnan(col["p+1"][2])
    assert col["p_self"].tolist() == pytest.approx([0.1, 0.2, 0.9])
    assert col["p_page"][0] == pytest.approx(0.4)
    # the page as the first pass sees it: its best, the line's share of it and rank, the likely lines
    assert col["p_max"].tolist() == pytest.approx([0.9] * 3)
    assert col["p_of_max"].tolist() == pytest.approx([0.1 / 0.9, 0.2 / 0.9, 1.0])
    assert col["p_rank"].tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert col["p_high_share"][0] == pytest.approx(1 / 3)
    assert all(math.isnan(v) for v in col["p_high_before"]) and col["p_high_after"][:2].tolist() == [2, 1]
    assert math.isnan(col["p_high_after"][2])


def test_sequence_features_read_the_lines_kin():
    """The items of one list (one shape) are read together, and a line's words against the likely lines'."""
    p = np.array([0.9, 0.2, 0.8, 0.1, 0.3])
    x = _rows([(20, 0), (4, 1), (5, 1), (2, 1), (40, 0)])  # 4 and 5 words: one step of 3; 2 words: the one below
    words = [frozenset({"storm", "coast"}), frozenset({"storm"}), frozenset(), frozenset({"recipes"}),
             frozenset({"coast", "recipes"})]
    seq = model.sequence_features(p, x, words)
    col = {name: seq[:, i] for i, name in enumerate(model.SEQ_NAMES)}
    assert col["p_kin"][1] == pytest.approx(0.8) and col["p_kin"][2] == pytest.approx(0.2)
    assert col["p_kin_high"][1] == 1.0 and col["p_kin_high"][2] == 0.0
    assert math.isnan(col["p_kin"][3]) and col["kin_lines"][3] == 0.0  # alone of its shape
    assert col["kin_lines"][1] == pytest.approx(math.log(2))
    assert col["p_topic"][1] == 1.0  # "storm" is in a likely line (the first)
    assert col["p_topic"][0] == 0.0  # its words are in no other likely line
    assert col["p_topic"][4] == 0.5 and math.isnan(col["p_topic"][2])
    assert col["p_kin"][0] == pytest.approx(0.3)  # 20 and 40 words: one shape (12 words or more)


def test_the_second_pass_reads_the_shapes_the_evidence_reads():
    """`model.shape_keys`, read from the rows, groups the open lines as `evidence._shape_key` does."""
    rules = RuleSet.load()
    for seed in sorted(Path("seeds").glob("*.txt")):
        doc = build(seed.read_text(encoding="utf-8"))
        ev = evidence.gather(doc, rules)
        keys = [evidence._shape_key(doc.lines[i], ev.feats[i]) for i in ev.open]
        ids = model.shape_keys(ev.matrix)
        pairs = [(a, b) for a in range(len(keys)) for b in range(a)]
        assert all((keys[a] == keys[b]) == (ids[a] == ids[b]) for a, b in pairs), seed.name


def test_a_page_with_no_prose_is_kept_whole_with_a_warning():
    table = "\n\n".join(f"{team} | {w} | {d} | {l} | {w * 3 + d}"
                        for team, w, d, l in [("Arsenal", 9, 2, 1), ("Chelsea", 8, 3, 1), ("Liverpool", 8, 2, 2),
                                              ("Everton", 5, 4, 3), ("Fulham", 4, 4, 4), ("Brentford", 3, 5, 4)])
    result = clean("League table\n\n" + table)
    assert all(row in result.text for row in table.split("\n\n"))
    assert any(w.startswith(NO_PROSE) for w in result.warnings)


def test_model_removals_name_the_evidence_that_weighed_most():
    result = clean(open("seeds/001_4bda62c64cb31b1c.txt", encoding="utf-8").read())
    by_model = [r["by"] for r in result.removed if r["by"].startswith("model:")]
    assert by_model, "the model removed nothing on a page full of teasers"
    reasons = set(model.REASONS.values())
    rule_ids = {r.id for r in RuleSet.load().rules}
    assert all(b.split(":", 1)[1] in reasons | rule_ids for b in by_model)


def test_contributions_credit_each_split_to_its_features_group():
    """The table of path sums gives what walking each tree split by split gives."""
    rng = np.random.default_rng(1)
    trees = [{"tree_structure": _random_tree(rng, 6, 8)} for _ in range(40)]
    x = rng.normal(size=(50, 8))
    x[rng.random(x.shape) < 0.1] = np.nan
    groups = np.arange(8) % 7
    expected = np.zeros((len(x), 7))
    for r, row in enumerate(x):
        for tree in trees:
            node = tree["tree_structure"]
            value = node.get("internal_value", 0.0)
            while "leaf_value" not in node:
                f, v = node["split_feature"], row[node["split_feature"]]
                if math.isnan(v):
                    left = node["default_left"] if node["missing_type"] == "NaN" else 0.0 <= node["threshold"]
                else:
                    left = v <= node["threshold"]
                node = node["left_child"] if left else node["right_child"]
                new = node.get("leaf_value", node.get("internal_value", 0.0))
                expected[r, groups[f]] += new - value
                value = new
    got = model.Forest.from_dump(trees).contributions(x, groups, 7)
    assert np.allclose(got, expected)


def test_a_removal_names_the_uncertain_rule_whose_evidence_weighed_against_the_line():
    """Credits and tail headings are evidence, not verdicts; when the model drops such a line on
    that evidence, the id says which rule it was, so a diff stays readable."""
    result = clean(open("seeds/001_4bda62c64cb31b1c.txt", encoding="utf-8").read())
    by = {r["text"]: r["by"] for r in result.removed}
    assert by["Latest World News"] == "model:tail.latest"
    assert by["Some South Koreans have staged a rally against their government’s plans to supply weapons to Ukraine (AP)"] \
        == "model:caption.credit.agency-parens"
    assert by["Three men say in lawsuits that Sean ‘Diddy’ Combs sexually assaulted them"] == "model:outside-region"


def test_scores_do_not_depend_on_how_many_rows_are_walked_at_once(monkeypatch):
    """Long pages are walked down the trees in chunks of rows (memory stays flat): the chunks'
    boundaries must not change a score, nor a removal's reason."""
    doc = build(open("seeds/001_4bda62c64cb31b1c.txt", encoding="utf-8").read())
    ev = evidence.gather(doc, RuleSet.load())
    m = model.load()
    whole = m.probabilities(ev.matrix, ev.words)
    reasons = m.reasons(ev.matrix, ev.rule_ids)
    monkeypatch.setattr(model, "CHUNK_ROWS", 7)
    monkeypatch.setattr(model, "sum_at_leaves", None)  # the numpy walk, which goes by chunks
    chunked = m.probabilities(ev.matrix, ev.words)
    assert len(ev.matrix) > 7 * 3
    assert np.allclose(whole[0], chunked[0]) and np.allclose(whole[1], chunked[1])
    assert m.reasons(ev.matrix, ev.rule_ids) == reasons


def test_evidence_rows_do_not_depend_on_how_many_are_built_at_once(monkeypatch):
    """Long pages' evidence is built in chunks of rows (memory stays flat): chunk boundaries must
    not change a figure."""
    doc = open("seeds/001_4bda62c64cb31b1c.txt", encoding="utf-8").read()
    whole = evidence.gather(build(doc), RuleSet.load()).matrix
    monkeypatch.setattr(evidence, "ROW_CHUNK", 5)
    chunked = evidence.gather(build(doc), RuleSet.load()).matrix
    assert len(whole) > 5 * 3
    assert np.array_equal(whole, chunked, equal_nan=True)


def test_a_document_longer_than_a_segment_is_decided_segment_by_segment(monkeypatch):
    """Each segment is decided as a page of its own (its junk goes), sharing the document's
    metadata: the title lifted in the first segment is lifted from the later ones too. (Markdown:
    long scraped text comes in parts before it is built, `tests/test_long_text.py`.)"""
    from cleaner import pipeline

    story = open("seeds/001_4bda62c64cb31b1c.txt", encoding="utf-8").read()
    whole = clean(story, input_format="markdown")
    n_lines = len(whole.document.lines)
    monkeypatch.setattr(pipeline, "SEGMENT_LINES", n_lines)
    twice = clean(story + "\n\n" + story, input_format="markdown")
    assert len(twice.document.lines) == 2 * n_lines
    assert twice.title == whole.title
    first, second = twice.document.lines[:n_lines], twice.document.lines[n_lines:]
    assert [ln.decision for ln in first] == [ln.decision for ln in whole.document.lines]
    lifted = [ln.text for ln in second if ln.decision and ln.decision.field == "title"]
    assert lifted and all(t == whole.title for t in lifted)
    assert [ln.kept for ln in second] == [ln.kept for ln in first]
