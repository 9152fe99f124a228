"""Task files as `solve` reads them: a key a domain's format does not have is refused in one
line naming it and the known keys (every domain's codec), and the summary line of a task
collection counts the tasks answered and failed apart."""

import json

import pytest

from tasks import TaskFileError, load_task_file
from tests.helpers import cfg_for

LOGIC = {"domain": "logic", "atoms": ["a", "b", "c"], "inputs": ["a", "b"], "world": "closed",
         "train": [{"facts": {"a": True, "b": False}, "closure": {"c": True}},
                   {"facts": {"a": False, "b": True}, "closure": {"c": False}}],
         "test": [{"facts": {"a": True, "b": True}, "ask": ["c"]}]}
LIFE = {"domain": "life", "demo_horizon": 1,
        "train": [{"input": [[0, 1, 0], [1, 1, 0], [0, 0, 1]],
                   "output": [[1, 0, 0], [0, 1, 1], [0, 1, 0]]}],
        "test": [{"input": [[0, 1, 1], [1, 0, 0], [0, 1, 0]], "horizon": 3}]}
ARC = {"domain": "arc", "train": [{"input": [[1, 0], [0, 1]], "output": [[2, 0], [0, 2]]}],
       "test": [{"input": [[1, 1], [0, 0]]}]}


def with_key(obj, where, key, value):
    """`obj` with `key` added at `where` (a path of keys and indices)."""
    obj = json.loads(json.dumps(obj))
    node = obj
    for step in where:
        node = node[step]
    node[key] = value
    return obj


@pytest.mark.parametrize(("obj", "where", "key", "field", "known"), [
    (LOGIC, (), "wrold", "wrold", "atoms, domain, inputs, rule_class, test, train, world"),
    (LOGIC, ("train", 1), "clsoure", "train[1].clsoure", "closure, facts"),
    (LOGIC, ("test", 0), "horizn", "test[0].horizn", "ask, facts, horizon"),
    (LIFE, (), "demo_horizn", "demo_horizn", "demo_horizon, domain, test, train"),
    (LIFE, ("test", 0), "hrizon", "test[0].hrizon", "horizon, input"),
    (ARC, (), "tset", "tset", "domain, test, train"),
    (ARC, ("train", 0), "ouptut", "train[0].ouptut", "input, output"),
])
def test_a_key_the_format_does_not_have_is_one_line_naming_it_and_the_known_ones(
        tmp_path, obj, where, key, field, known):
    path = tmp_path / "task.json"
    path.write_text(json.dumps(with_key(obj, where, key, "open")))
    (tmp_path / "ok.json").write_text(json.dumps(obj))
    load_task_file(tmp_path / "ok.json")  # the same file without the key reads
    with pytest.raises(TaskFileError) as err:
        load_task_file(path)
    message = str(err.value)
    assert "\n" not in message
    assert f"{field}: unknown key" in message and message.endswith(f"known: {known}")


def test_a_logic_file_with_wrold_open_is_refused_not_answered_closed_world(tmp_path):
    from experiments.solve import solve

    (tmp_path / "task.json").write_text(json.dumps(with_key(LOGIC, (), "wrold", "open")))
    with pytest.raises(TaskFileError, match=r"wrold: unknown key \(did you mean 'world'\?\)"):
        solve(cfg_for(f"task_file={tmp_path / 'task.json'}", f"out={tmp_path / 'out.json'}",
                      name="solve"))
    assert not (tmp_path / "out.json").exists()


def test_the_summary_line_counts_answered_and_failed_tasks_apart(tmp_path, capsys, monkeypatch):
    """A Kaggle file of 2 good tasks, 1 the compiler fails on and 2 unreadable ones: 2
    answered, 3 failed (the compiler is stood in for: the count is what is tested)."""
    from experiments import solve as app

    def solve_task(cfg, task, reasoner, config):
        if task.name == "cccc":
            raise RuntimeError("the compiler failed")
        return {"test": [{"output": [[2]]} for _ in task.test_inputs], "rule": "stand-in"}

    monkeypatch.setattr(app, "solve_task", solve_task)
    ragged = {"train": [{"input": [[1, 0], [0]], "output": [[1]]}], "test": [{"input": [[1]]}]}
    misspelt = with_key(ARC, ("test", 0), "ouptut", [[1]])
    tasks = {"aaaa": ARC, "bbbb": ARC, "cccc": ARC, "dddd": ragged, "eeee": misspelt}
    (tmp_path / "kaggle.json").write_text(json.dumps(tasks))
    app.run(cfg_for("task=arc", "reasoner=symbolic", f"task_file={tmp_path / 'kaggle.json'}",
                    f"out={tmp_path / 'sub.json'}", name="solve"))  # what main runs
    out, err = capsys.readouterr()
    last = out.strip().splitlines()[-1]
    assert last.startswith("5 tasks: 2 answered, 3 failed (1 the compiler failed on, answered "
                           "with their test inputs; 2 unreadable, given the submission's "
                           "placeholder); written to "), last
    assert "eeee" in err and "test[0].ouptut: unknown key" in err
    assert set(json.loads((tmp_path / "sub.json").read_text())) == set(tasks)
