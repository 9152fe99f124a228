"""The same per-cell reasoner and one Adam step written plainly in PyTorch (eager, CPU):
the baseline a researcher compares our train step with (docs/performance.md).

Same layers as `reasoner.life.neural.RecurrentCell` (reads="rules"): a 3x3 circular
convolution of the +-1 state, a linear read of the 16 channels, the rule's 18 bits through a
bias-free linear layer added at every cell, ReLU MLP, two logits per cell, and the halting
head on mean- and max-pooled hidden features; loss = cross-entropy + 0.1 x halting BCE;
Adam with global-norm clipping 1.0. Optional: needs `torch` (`pip install torch==2.13.0`).
"""

from __future__ import annotations

import numpy as np


def torch_step_fn(batch: dict, channels=16, width=128, depth=3, lr=3e-3, threads=None):
    """A zero-argument function running one training step on the fixed `batch` (NumPy
    arrays `tables [B, 2, 9]`, `state`, `next` `[B, G, G]`, `in_cycle [B]`)."""
    import torch
    from torch import nn

    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(0)

    class Cell(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, channels, 3, padding=1, padding_mode="circular")
            self.read_cell = nn.Linear(channels, width)
            self.read_task = nn.Linear(18, width, bias=False)
            self.hidden = nn.ModuleList([nn.Linear(width, width) for _ in range(depth - 1)])
            self.head = nn.Linear(width, 2)
            self.halt = nn.Linear(2 * width, 1)

        def forward(self, tables, x):
            b, g, _ = x.shape
            feats = self.conv(x[:, None]).permute(0, 2, 3, 1)  # [B, G, G, C]
            h = torch.relu(self.read_cell(feats) + self.read_task(tables)[:, None, None, :])
            for layer in self.hidden:
                h = torch.relu(layer(h))
            pooled = torch.cat([h.mean(dim=(1, 2)), h.amax(dim=(1, 2))], dim=-1)
            return self.head(h), self.halt(pooled)[:, 0]

    model = Cell()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    pm1 = lambda a: torch.as_tensor(2.0 * np.asarray(a, np.float32) - 1.0)
    tables = pm1(np.asarray(batch["tables"]).reshape(-1, 18))
    x = pm1(batch["state"])
    y = torch.as_tensor(np.asarray(batch["next"], np.int64))
    in_cycle = torch.as_tensor(np.asarray(batch["in_cycle"], np.float32))
    ce, bce = nn.CrossEntropyLoss(), nn.BCEWithLogitsLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        logits, q = model(tables, x)
        loss = ce(logits.reshape(-1, 2), y.reshape(-1)) + 0.1 * bce(q, in_cycle)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    return step
