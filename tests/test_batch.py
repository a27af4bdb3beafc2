"""Batch cleaning: parallel workers, resume, error reports, globs, file lists, stats, exit codes;
and the API under threads."""

import itertools
import json
import os
import threading
from pathlib import Path

import pytest
from conftest import ARTICLE, BODY, SEEDS
from conftest import run_cli as run

from cleaner import Cleaner
from cleaner.io.batch import CHUNK, clean_task, map_ordered





def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """The seed documents in a folder tree (two levels), plus a bad input."""
    src = tmp_path / "in"
    for i, seed in enumerate(SEEDS):
        target = src / ("a" if i % 2 else "b") / seed.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(seed.read_bytes())
    return src


def test_jobs_2_gives_the_output_of_jobs_1(seeds, tmp_path):
    outs = {}
    for jobs in (1, 2):
        res = run("clean", seeds, "-o", tmp_path / f"out{jobs}", "--format", "json", "--jobs", jobs,
                  "--stats", tmp_path / f"stats{jobs}.json")
        assert res.exit_code == 0, res.output
        outs[jobs] = files(tmp_path / f"out{jobs}")
    assert len(outs[1]) == len(SEEDS) >= 4
    assert outs[1] == outs[2]
    assert (tmp_path / "stats1.json").read_text() == (tmp_path / "stats2.json").read_text()


def test_json_lines_on_stdout_keep_input_order_with_jobs(seeds):
    res = run("clean", seeds, "--format", "json", "--jobs", "2", "--quiet")
    sources = [json.loads(line)["source"] for line in res.output.splitlines()]
    assert sources == sorted(sources) and len(sources) == len(SEEDS)


def test_stats_sum_what_each_rule_removed(seeds, tmp_path):
    res = run("clean", seeds, "-o", tmp_path / "out", "--format", "json", "--stats", tmp_path / "stats.json")
    assert res.exit_code == 0, res.output
    expected: dict[str, dict[str, int]] = {}
    for rec_path in (tmp_path / "out").rglob("*.json"):
        for removed in json.loads(rec_path.read_text())["removed"]:
            counts = expected.setdefault(removed["by"], {"lines": 0, "chars": 0})
            counts["lines"] += 1
            counts["chars"] += len(removed["text"])
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["documents"] == len(SEEDS)
    assert stats["removed"] == expected and "nav.subscribe" in expected


def test_skip_existing_skips_only_up_to_date_outputs(seeds, tmp_path):
    out = tmp_path / "out"
    assert run("clean", seeds, "-o", out, "--skip-existing").exit_code == 0
    changed = sorted(seeds.rglob("*.txt"))[0]
    changed.write_text(ARTICLE)
    later = (out / changed.relative_to(seeds)).stat().st_mtime + 10
    os.utime(changed, (later, later))
    res = run("clean", seeds, "-o", out, "--skip-existing", "--verbose")
    assert res.exit_code == 0, res.output
    assert f"{len(SEEDS) - 1} skipped" in res.output and "1 cleaned" in res.output
    assert f"{changed} -> " in res.output
    assert (out / changed.relative_to(seeds)).read_text() == BODY + "\n"


def test_failures_go_to_stderr_and_errors_jsonl_and_exit_1(tmp_path, mixed_folder):
    res = run("clean", mixed_folder, "-o", tmp_path / "out", "--errors", tmp_path / "errors.jsonl", "--jobs", "2")
    assert res.exit_code == 1
    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert sorted(Path(e["path"]).name for e in errors) == ["binary.txt", "empty.txt"]
    assert all(e["reason"] for e in errors) and "empty" in errors[1]["reason"]
    assert "1 cleaned, 0 skipped, 2 failed" in res.output
    assert files(tmp_path / "out") == {"good.txt": BODY + "\n"}


def test_glob_is_expanded_and_keeps_folders(seeds, tmp_path):
    (seeds / "a" / "notes.md").write_text(ARTICLE)
    res = run("clean", f"{seeds}/**/*.txt", "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert sorted(files(tmp_path / "out")) == sorted(p.relative_to(seeds).as_posix() for p in seeds.rglob("*.txt"))
    res = run("clean", f"{seeds}/**/*.nothing", "-o", tmp_path / "out2")
    assert res.exit_code == 1 and "*.nothing: no such file" in res.output


def test_files_from_list_and_stdin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("x/one.txt", "y/one.txt"):
        Path(name).parent.mkdir()
        Path(name).write_text(ARTICLE)
    Path("list.txt").write_text("x/one.txt\n\ny/one.txt\n")
    res = run("clean", "--files-from", "list.txt", "-o", "out")
    assert res.exit_code == 0, res.output
    assert files(tmp_path / "out") == {"x/one.txt": BODY + "\n", "y/one.txt": BODY + "\n"}
    res = run("clean", "--files-from", "-", "-o", "out2", input="y/one.txt\nmissing.txt\n")
    assert res.exit_code == 1 and "missing.txt: no such file" in res.output
    assert files(tmp_path / "out2") == {"y/one.txt": BODY + "\n"}


def test_stdin_document_in_a_parallel_batch(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE.replace("Monday", "Friday"))
    res = run("clean", "-", tmp_path / "a.txt", "--format", "json", "--jobs", "2", "--quiet", input=ARTICLE)
    texts = [json.loads(line)["text"] for line in res.output.splitlines()]
    assert texts == [BODY, BODY.replace("Monday", "Friday")]


@pytest.mark.parametrize("args", [["clean", "a.txt", "b.txt"], ["clean", "-", "-q", "-v"],
                                  ["clean", "--files-from", "no-such-list.txt", "-o", "out"],
                                  ["clean", "-", "--jobs", "0"]])
def test_usage_errors_exit_2(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(*args, input=ARTICLE).exit_code == 2


def test_summary_unless_quiet(seeds, tmp_path):
    res = run("clean", seeds, "-o", tmp_path / "out")
    assert res.exit_code == 0 and f"{len(SEEDS)} cleaned, 0 skipped, 0 failed in" in res.output
    res = run("clean", seeds, "-o", tmp_path / "out2", "--quiet")
    assert res.exit_code == 0 and res.output == ""
    res = run("clean", "-", input=ARTICLE)  # one document to stdout: the body only
    assert res.output == BODY + "\n"


def test_parallel_map_reads_its_input_lazily():
    """Memory stays flat: the workers never run far ahead of the consumer."""
    pulled = []

    def endless():
        for i in itertools.count():
            pulled.append(i)
            yield i

    results = map_ordered(_double, endless(), Cleaner(rules=[], defaults=False), jobs=2)
    assert list(itertools.islice(results, 50)) == [2 * i for i in range(50)]
    assert len(pulled) <= 50 + 4 * 2 * CHUNK + CHUNK  # consumed + chunks in flight + the one being read
    results.close()


def _double(cleaner, i):
    return 2 * i


def _double_or_die(cleaner, i):
    if i == 17:
        os._exit(1)  # the worker process dies, as when killed or crashed by a document
    return 2 * i


def _clean_or_die(cleaner, task, **options):
    if task.item.name.endswith("poison.txt"):
        os._exit(1)
    return clean_task(cleaner, task, **options)


def test_a_dead_worker_never_hangs_the_batch_and_costs_only_its_document():
    results = map_ordered(_double_or_die, range(60), Cleaner(rules=[], defaults=False), jobs=2,
                          crashed=lambda i, reason: ("crashed", i))
    assert list(results) == [("crashed", 17) if i == 17 else 2 * i for i in range(60)]


def test_a_dead_worker_without_a_crash_result_is_an_error():
    with pytest.raises(RuntimeError, match="worker process died"):
        list(map_ordered(_double_or_die, range(60), Cleaner(rules=[], defaults=False), jobs=2))


def test_cli_reports_the_document_that_killed_its_worker(tmp_path, monkeypatch):
    import cleaner.cli

    monkeypatch.setattr(cleaner.cli, "clean_task", _clean_or_die)
    src = tmp_path / "in"
    src.mkdir()
    for i in range(12):
        (src / f"doc{i:02}.txt").write_text(ARTICLE)
    (src / "poison.txt").write_text(ARTICLE)
    res = run("clean", src, "-o", tmp_path / "out", "--jobs", "2")
    assert res.exit_code == 1
    assert "poison.txt: a worker process died" in res.output
    assert len(list((tmp_path / "out").glob("*.txt"))) == 12


def test_cleaner_is_thread_safe():
    cleaner = Cleaner()
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS] * 4
    expected = [cleaner.clean(t).to_dict() for t in texts]
    results: dict[int, dict] = {}

    def work(k: int) -> None:
        for i in range(k, len(texts), 4):
            results[i] = cleaner.clean(texts[i]).to_dict()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(texts))] == expected


def test_clean_many_streams_texts_bytes_and_named_pairs():
    pulled = []

    def items():
        for item in (ARTICLE, ARTICLE.encode("utf-8"), ("a.txt", ARTICLE)):
            pulled.append(item)
            yield item

    results = Cleaner().clean_many(items())
    first = next(results)
    assert len(pulled) == 1 and first.text == BODY
    rest = list(results)
    assert [r.text for r in rest] == [BODY, BODY]
    assert [r.document.source for r in (first, *rest)] == ["<item 0>", "<item 1>", "a.txt"]


def test_sigterm_stops_a_parallel_batch_like_ctrl_c(tmp_path):
    """`kill` mid-batch (here while it waits for more names on stdin, or for its workers): exit
    128+15, the workers stop, every output written is complete and no temporary file is left."""
    import signal
    import subprocess
    import sys
    import time

    names = []
    for i, seed in enumerate(SEEDS):
        names.append(Path("in") / str(i) / seed.name)
        (tmp_path / names[-1]).parent.mkdir(parents=True)
        (tmp_path / names[-1]).write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", "--files-from", "-", "-o", "out", "-q",
                             "-j", "2"], stdin=subprocess.PIPE, text=True, cwd=tmp_path)
    proc.stdin.write("".join(f"{name}\n" for name in names))
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not list(out.rglob("*.txt")) and time.monotonic() < deadline:  # the first is cleaned before the pool
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    proc.stdin.close()  # if the SystemExit got lost in a __del__, the batch stops at the next document
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and not [p for p in written if p.name.endswith(".tmp")]
    cleaner = Cleaner()
    for p in written:  # every output that exists is complete
        source = (tmp_path / p.relative_to(out)).read_text(encoding="utf-8")
        assert p.read_text(encoding="utf-8") == cleaner.clean(source).text + "\n"


def test_progress_bar_on_a_terminal(monkeypatch):
    import io

    from cleaner.io.batch import Outcome
    from cleaner.cli import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    outcomes = [Outcome(f"doc{i}") for i in range(3)]
    assert list(progress(iter(outcomes), lambda: 3, show=True)) == outcomes
    assert "3/3" in stderr.getvalue() and "docs/s" in stderr.getvalue()
    assert list(progress(iter(outcomes), lambda: None, show=True)) == outcomes  # total unknown (stdin list)


def test_stdin_larger_than_max_bytes_is_refused():
    res = run("clean", "-", "--max-bytes", "100", input=ARTICLE * 3)
    assert res.exit_code == 1 and "<stdin>: larger than --max-bytes 100" in res.output
