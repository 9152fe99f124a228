"""Training metrics: one `metrics.jsonl` row per logged step and, unless switched off, the
same numbers as TensorBoard scalars (an event file beside it; `tensorboard --logdir runs/`).

The event file is written with tensorboardX (no TensorFlow). A resumed run purges the events
past the step it resumes from, as it drops those `metrics.jsonl` rows, so the curves show
each step once.
"""

from __future__ import annotations

import numbers
import time
from pathlib import Path

from experiments.core.runio import append_jsonl


class MetricsLog:
    """`write(row)` appends `row` to `run_dir/metrics.jsonl` and logs each numeric value but
    `step` as a scalar at `row["step"]`; `close()` flushes the event file."""

    def __init__(self, run_dir, tensorboard: bool = True, resume_step: int = 0):
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.run_dir / "metrics.jsonl"
        self.writer = None
        if tensorboard:
            from tensorboardX import SummaryWriter

            # purge_step: events at steps >= it (written after the last checkpoint) are
            # hidden; the suffix counts the run's writers, so a resume within the same second
            # gets its own file, which sorts after the earlier ones
            earlier = len(list(self.run_dir.glob("events.out.tfevents.*")))
            self.writer = SummaryWriter(str(self.run_dir), flush_secs=30,
                                        purge_step=resume_step + 1 if resume_step else None,
                                        filename_suffix=f".{earlier}")

    def write(self, row: dict) -> None:
        append_jsonl(self.path, row)
        if self.writer is None or "step" not in row:
            return
        for key, value in row.items():
            if key != "step" and isinstance(value, numbers.Real) and not isinstance(value, bool):
                self.writer.add_scalar(key, float(value), int(row["step"]))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_scalars(run_dir) -> dict[str, list[tuple[int, float]]]:
    """The scalars of the event files in `run_dir`: `{tag: [(step, value), ...]}` in write
    order, as TensorBoard shows them: a resumed writer's start marker (a session `START` at
    step s) hides the values of step >= s written before it."""
    import struct

    from tensorboardX.proto.event_pb2 import Event, SessionLog

    out: dict[str, list[tuple[int, float]]] = {}
    for path in sorted(Path(run_dir).glob("events.out.tfevents.*")):
        data = path.read_bytes()
        at = 0
        while at + 12 <= len(data):  # TFRecord: length, its CRC, the record, its CRC
            (length,) = struct.unpack("<Q", data[at:at + 8])
            event = Event.FromString(data[at + 12:at + 12 + length])
            at += 12 + length + 4
            if event.HasField("session_log") and event.session_log.status == SessionLog.START:
                out = {tag: [(st, v) for st, v in values if st < event.step]
                       for tag, values in out.items()}
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((int(event.step), float(value.simple_value)))
    return out


def report(step: int, steps: int, values: dict, started: float, progress=print, log=None) -> dict:
    """One logged step of a plain training loop (the proposer trainers): the row
    `{step, **values, elapsed_s}` to `log` (e.g. `MetricsLog.write`) and a line to
    `progress`."""
    row = {"step": step, **values, "elapsed_s": round(time.perf_counter() - started, 3)}
    if log is not None:
        log(row)
    if progress:
        progress(f"step {step}/{steps} " + " ".join(f"{k} {v:.4f}" for k, v in values.items())
                 + f" ({row['elapsed_s']:.0f} s)")
    return row
