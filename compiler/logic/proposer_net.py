"""A learned logic proposer (the meta-module for `logic`, issue 13 part 6): a set encoder over
the demo pairs and an autoregressive decoder over rules, sampling K distinct rule sets.

- Encoder: per literal (atom, sign) and demo, what the demo says of it (given as a fact,
  holds in the closure, known either way, hidden); a deep-sets map (per-demo embedding,
  mean over demos, MLP) gives each literal a vector. Per (body literal, head literal) pair,
  the demo statistics a rule needs: how often the head holds where the body does
  (soundness), how much of the head's derived occurrences the body covers, how often the
  body holds.
- Decoder: rules in canonical order (by head, then body), each as 4 tokens: a head (a
  literal, `false` or STOP) and up to three body literals in increasing code (END after
  the first). A GRU state reads the previous token; every choice is a pointer over the
  literals: an MLP of (state, the literal's vector[, the head's vector, the pair
  statistics]). Each literal's vector also carries its atom number and sign (as sines and
  cosines): the canonical order is by code, and without them it cannot be learned (an
  order-free loss instead let the free-running decode drift off the teacher's path: a net
  fit to one task decoded two rules and stopped). Canonical order is enforced while
  sampling (heads non-decreasing, bodies increasing), so every sequence is one RuleSet.
- `sample_rule_sets(model, demos, k, key)`: the greedy decode first, then ancestral samples
  in one vectorized call, duplicates dropped, ordered by log-probability.

Trained with teacher forcing on training-split rule sets (experiments/training/logic_proposer.py).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from compiler.domain import as_groups
from compiler.logic.executor import FALSE, NOT_ASKED, READ_FALSE, READ_TRUE, TRUE
from compiler.logic.rules import BODY, FALSE_HEAD, RULE_DTYPE, canonical

LITERAL_FEATURES = 5  # given, holds in the closure, known, hidden, the opposite holds
PAIR_FEATURES = 3  # soundness, coverage, body frequency
TOKENS_PER_RULE = 1 + BODY
INDEX_FEATURES = 2 + 2 * 6  # sign, atom / 128, sin and cos of the atom number at 6 scales


def index_features(num_literals: int) -> jax.Array:
    """`[2A, 14]` per literal: its sign, its atom number scaled, and sines and cosines of
    the atom number (what lets the decoder follow the canonical order by code)."""
    lit = jnp.arange(num_literals)
    atom = (lit // 2).astype(jnp.float32)
    freq = jnp.pi / (2.0 ** jnp.arange(6))
    return jnp.concatenate([(lit % 2)[:, None].astype(jnp.float32), atom[:, None] / 128.0,
                            jnp.sin(atom[:, None] * freq), jnp.cos(atom[:, None] * freq)], axis=1)


def literal_features(facts, closure) -> tuple[np.ndarray, np.ndarray]:
    """(`[N, 2A, 5]` per demo and literal, `[2A, 2A, 3]` pair statistics (body, head)) of
    one task's demos. Literal 2a is `a`, 2a + 1 is `~a` (its code minus 1)."""
    facts, closure = np.asarray(facts), np.asarray(closure)
    n, a = facts.shape
    given = np.stack([(facts & TRUE) > 0, (facts & FALSE) > 0], axis=-1).reshape(n, 2 * a)
    holds = np.stack([closure == READ_TRUE, closure == READ_FALSE], axis=-1).reshape(n, 2 * a)
    opposite = np.stack([closure == READ_FALSE, closure == READ_TRUE], axis=-1).reshape(n, 2 * a)
    hidden = np.repeat(closure == NOT_ASKED, 2, axis=1)
    known = holds | opposite
    per = np.stack([given, holds, known, hidden, opposite], axis=-1).astype(np.float32)
    h = holds.astype(np.float32)
    derived = (holds & ~given).astype(np.float32)
    both = h.T @ h  # [body, head]
    body = h.sum(axis=0)
    sound = both / np.maximum(body[:, None], 1)
    cover = (h.T @ derived) / np.maximum(derived.sum(axis=0)[None, :], 1)
    pair = np.stack([sound, cover, np.broadcast_to(body[:, None] / n, both.shape)], axis=-1)
    return per, pair.astype(np.float32)


def pooled_features(demos) -> tuple[np.ndarray, np.ndarray, int]:
    """`literal_features` of one task's demos (a Demos or a list of them, pooled), and the
    number of atoms."""
    groups = as_groups(demos)
    facts = np.concatenate([g.facts for g in groups])
    per, pair = literal_features(facts, np.concatenate([g.closure for g in groups]))
    return per, pair, facts.shape[1]


def rule_tokens(rules, num_atoms: int, max_rules: int) -> np.ndarray:
    """A canonical RuleSet as `[max_rules * 4 + 1]` token targets: heads are literal index
    (code - 1), 2A for `false`, 2A + 1 for STOP; bodies are literal index or 2A (END); -1
    pads after STOP (no loss)."""
    rows = canonical(rules)
    rows = rows[rows[:, BODY] > 0][:max_rules]
    stop, false = 2 * num_atoms + 1, 2 * num_atoms
    out = np.full(max_rules * TOKENS_PER_RULE + 1, -1, np.int32)
    for r, row in enumerate(rows):
        out[r * 4] = false if row[BODY] == FALSE_HEAD else row[BODY] - 1
        for j in range(BODY):
            out[r * 4 + 1 + j] = row[j] - 1 if row[j] > 0 else 2 * num_atoms
            if row[j] <= 0:
                break
    out[len(rows) * 4] = stop
    return out


def tokens_to_rules(tokens, num_atoms: int) -> np.ndarray:
    """Inverse of `rule_tokens` (for sampled sequences): a canonical RuleSet."""
    rows = []
    t = 0
    while t + 1 <= len(tokens) and tokens[t] != 2 * num_atoms + 1 and tokens[t] >= 0:
        head = FALSE_HEAD if tokens[t] == 2 * num_atoms else tokens[t] + 1
        body = []
        for j in range(BODY):
            tok = tokens[t + 1 + j] if t + 1 + j < len(tokens) else 2 * num_atoms
            if tok >= 2 * num_atoms or tok < 0:
                break
            body.append(tok + 1)
        if body:
            rows.append(body + [0] * (BODY - len(body)) + [head])
        t += TOKENS_PER_RULE
    return canonical(np.array(rows, np.int64).reshape(-1, BODY + 1))


class LogicProposerNet(nnx.Module):
    def __init__(self, width: int = 64, *, rngs: nnx.Rngs):
        w = width
        self.width = w
        self.phi = nnx.Linear(LITERAL_FEATURES, w, rngs=rngs)
        self.demo_phi = nnx.Linear(LITERAL_FEATURES, w, rngs=rngs)
        self.demo_code = nnx.Linear(w, w, rngs=rngs)
        self.index = nnx.Linear(INDEX_FEATURES, w, rngs=rngs)
        self.rho = nnx.Linear(2 * w, w, rngs=rngs)
        self.specials = nnx.Param(jax.random.normal(rngs.params(), (3, w)) * 0.1)  # false, STOP, END
        self.slot_embed = nnx.Param(jax.random.normal(rngs.params(), (TOKENS_PER_RULE, w)) * 0.1)
        self.gru = nnx.GRUCell(w, w, rngs=rngs)
        self.head_score = nnx.Linear(2 * w, w, rngs=rngs)
        self.head_out = nnx.Linear(w, 1, rngs=rngs)
        self.body_score = nnx.Linear(3 * w + PAIR_FEATURES, w, rngs=rngs)
        self.body_out = nnx.Linear(w, 1, rngs=rngs)
        self.init_state = nnx.Linear(w, w, rngs=rngs)

    def encode(self, per):
        """`[B, N, 2A, 5]` -> literal vectors `[B, 2A, W]` and the initial state `[B, W]`.

        A plain mean over demos of a per-(demo, literal) embedding would only say how often
        a literal holds, so two literals true in different halves of the demos would look
        the same (measured: a net could not fit one task's rule set). Each demo gets a code
        from all its literals (mean over literals), and a literal's vector is the mean over
        demos of its embedding times that demo's code: still invariant to the order of the
        demos and equivariant in the literals, but a literal's *pattern* over the demos
        shows."""
        x = jax.nn.relu(self.phi(per))  # [B, N, 2A, W]
        code = jnp.tanh(self.demo_code(jax.nn.relu(self.demo_phi(per)).mean(axis=2)))  # [B, N, W]
        pattern = (x * code[:, :, None, :]).mean(axis=1)
        e = self.rho(jnp.concatenate([x.mean(axis=1), pattern], axis=-1))
        e = jax.nn.relu(e + self.index(index_features(per.shape[2])))
        return e, jnp.tanh(self.init_state(e.mean(axis=1)))

    def token_vectors(self, e):
        """`[B, 2A + 3, W]`: the literals, then false, STOP, END."""
        b = e.shape[0]
        return jnp.concatenate([e, jnp.broadcast_to(self.specials[...], (b, 3, self.width))], axis=1)

    def next_logits(self, g, e, pair, slot, head):
        """Scores `[B, 2A + 2]` of the next token: at a head slot (`slot == 0`) over the
        literals, false (2A) and STOP (2A + 1); at a body slot over the literals and END
        (2A), -inf at 2A + 1. `head` `[B]`: the current rule's head token."""
        b, lits, w = e.shape
        vec = self.token_vectors(e)
        head_cand = vec[:, :lits + 2]
        x = jnp.concatenate([jnp.broadcast_to(g[:, None], head_cand.shape), head_cand], axis=-1)
        head_logits = self.head_out(jax.nn.relu(self.head_score(x)))[..., 0]
        head_vec = jnp.take_along_axis(vec, jnp.clip(head, 0, lits + 1)[:, None, None], axis=1)
        cand = jnp.concatenate([e, vec[:, lits + 2:lits + 3]], axis=1)  # literals, END
        head_lit = jnp.clip(head, 0, lits - 1)
        pair_h = jnp.take_along_axis(pair, head_lit[:, None, None, None], axis=2)[:, :, 0]
        pair_h = jnp.where((head < lits)[:, None, None], pair_h, 0.0)
        pair_h = jnp.concatenate([pair_h, jnp.zeros((b, 1, PAIR_FEATURES))], axis=1)
        x = jnp.concatenate([jnp.broadcast_to(g[:, None], cand.shape),
                             jnp.broadcast_to(head_vec, cand.shape), cand, pair_h], axis=-1)
        body_logits = self.body_out(jax.nn.relu(self.body_score(x)))[..., 0]
        body_logits = jnp.concatenate([body_logits, jnp.full((b, 1), -jnp.inf)], axis=1)
        return jnp.where(slot == 0, head_logits, body_logits)

    def read_token(self, g, e, token, slot):
        """The GRU reads the chosen token's vector plus its slot's embedding (a body's END,
        index 2A, is the END vector)."""
        lits = e.shape[1]
        vec = self.token_vectors(e)
        idx = jnp.where((slot > 0) & (token == lits), lits + 2, jnp.clip(token, 0, lits + 2))
        x = jnp.take_along_axis(vec, idx[:, None, None], axis=1)[:, 0] + self.slot_embed[...][slot]
        return self.gru(g, x)[0]


def sequence_log_probs(model, per, pair, targets):
    """(log-probability `[B]` of each target sequence `[B, T]` under teacher forcing, tokens
    per sequence `[B]`); -1 targets are padding. `per` and `pair` may hold one task for
    all B sequences (leading axis 1)."""
    e, g0 = model.encode(per)
    b, steps = targets.shape
    e = jnp.broadcast_to(e, (b, *e.shape[1:]))
    pair = jnp.broadcast_to(pair, (b, *pair.shape[1:]))
    g0 = jnp.broadcast_to(g0, (b, *g0.shape[1:]))

    def body(carry, t):
        g, head, total, count = carry
        slot = t % TOKENS_PER_RULE
        target = targets[:, t]
        mask = target >= 0
        logp = jax.nn.log_softmax(model.next_logits(g, e, pair, slot, head), axis=-1)
        picked = jnp.take_along_axis(logp, jnp.clip(target, 0, logp.shape[1] - 1)[:, None], axis=1)[:, 0]
        total = total + jnp.where(mask, picked, 0.0)
        head = jnp.where(mask & (slot == 0), target, head)
        g = jnp.where(mask[:, None], model.read_token(g, e, target, slot), g)
        return (g, head, total, count + mask), None

    init = (g0, jnp.zeros(b, jnp.int32), jnp.zeros(b), jnp.zeros(b))
    (_, _, total, count), _ = jax.lax.scan(body, init, jnp.arange(steps))
    return total, count


def teacher_forced_loss(model, per, pair, targets):
    """Mean cross-entropy per token of the target sequences `[B, T]` (-1: no loss)."""
    total, count = sequence_log_probs(model, per, pair, targets)
    return -total.sum() / jnp.maximum(count.sum(), 1.0)


@nnx.jit
def _score_chunk(model, per, pair, targets):
    return sequence_log_probs(model, per, pair, targets)[0]


def rule_set_log_probs(model, demos, rule_sets, chunk: int = 256) -> np.ndarray:
    """`[K]` the net's log-probability of each canonical rule set `[K, R, 4]` given one
    task's demos (pooled), scored in chunks of a fixed size (one compile)."""
    per, pair, num_atoms = pooled_features(demos)
    max_rules = max(int((np.asarray(r)[:, BODY] > 0).sum()) for r in rule_sets)
    max_rules = 8 * -(-max(max_rules, 1) // 8)  # a few sequence lengths only (compiles)
    targets = np.stack([rule_tokens(r, num_atoms, max_rules) for r in rule_sets])
    out = np.zeros(len(targets))
    per, pair = jnp.asarray(per)[None], jnp.asarray(pair)[None]
    for start in range(0, len(targets), chunk):
        part = targets[start:start + chunk]
        padded = np.concatenate([part, np.full((chunk - len(part), part.shape[1]), -1, np.int32)])
        out[start:start + len(part)] = np.asarray(
            _score_chunk(model, per, pair, jnp.asarray(padded)))[:len(part)]
    return out


def decode(model, per, pair, key, samples: int, max_rules: int, greedy_first: bool = True):
    """`samples` token sequences per task `[B, S, T]` and their log-probabilities `[B, S]`,
    in canonical order by construction (heads non-decreasing, bodies increasing, at least
    one body literal); sequence 0 is the greedy decode when `greedy_first`."""
    e, g0 = model.encode(per)
    b, lits, w = e.shape
    e = jnp.repeat(e, samples, axis=0)
    pair = jnp.repeat(pair, samples, axis=0)
    g0 = jnp.repeat(g0, samples, axis=0)
    n = b * samples
    greedy = (jnp.arange(n) % samples == 0) & greedy_first
    steps = max_rules * TOKENS_PER_RULE + 1
    idx = jnp.arange(lits + 2)

    def body(carry, t):
        g, head, prev_head, prev_body, ended, done, logp, key = carry
        slot = t % TOKENS_PER_RULE
        key, sub = jax.random.split(key)
        logits = model.next_logits(g, e, pair, slot, head)
        # canonical order: heads non-decreasing, bodies increasing; END not first; after a
        # rule's END only padding; the last head slot can only be STOP
        allowed = jnp.where(slot == 0,
                            (idx[None] >= prev_head[:, None])
                            & ((idx[None] == lits + 1) | (t < steps - 1)),
                            ((idx[None] > prev_body[:, None]) & (idx[None] < lits))
                            | ((idx[None] == lits) & (slot > 1)))
        logits = jnp.where(allowed, logits, -jnp.inf)
        lp = jax.nn.log_softmax(logits, axis=-1)
        sampled = jax.random.categorical(sub, logits, axis=-1)
        token = jnp.where(greedy, jnp.argmax(logits, axis=-1), sampled)
        skip = done | ((slot > 0) & ended)  # nothing to choose: pad
        token = jnp.where(skip, -1, token)
        logp = logp + jnp.where(skip, 0.0, jnp.take_along_axis(lp, jnp.clip(token, 0)[:, None], 1)[:, 0])
        is_head = slot == 0
        done = done | (is_head & (token == lits + 1))
        head = jnp.where(is_head & ~skip, token, head)
        prev_head = jnp.where(is_head & ~skip, token, prev_head)
        ended = jnp.where(is_head, False, ended | (token == lits))
        prev_body = jnp.where(is_head, -1, jnp.where(skip, prev_body, token))
        g = jnp.where(skip[:, None], g, model.read_token(g, e, token, slot))
        return (g, head, prev_head, prev_body, ended, done, logp, key), token

    init = (g0, jnp.zeros(n, jnp.int32), jnp.zeros(n, jnp.int32), jnp.full(n, -1, jnp.int32),
            jnp.zeros(n, bool), jnp.zeros(n, bool), jnp.zeros(n), key)
    (_, _, _, _, _, _, logp, _), tokens = jax.lax.scan(body, init, jnp.arange(steps))
    return tokens.T.reshape(b, samples, steps), logp.reshape(b, samples)


def sample_rule_sets(model, demos, k: int, key, max_rules: int = 32, oversample: int = 4):
    """`[<= k, MAX_RULES, 4]` distinct canonical rule sets for one task's demos (a Demos or
    a list of them, pooled), the greedy
    decode first, then samples by decreasing log-probability; and their log-probabilities."""
    per, pair, num_atoms = pooled_features(demos)
    tokens, logp = decode(model, jnp.asarray(per)[None], jnp.asarray(pair)[None], key,
                          max(k * oversample, 1), max_rules)
    tokens, logp = np.asarray(tokens[0]), np.asarray(logp[0])
    order = np.concatenate([[0], 1 + np.argsort(-logp[1:], kind="stable")])
    seen, out, scores = set(), [], []
    for i in order:
        rules = tokens_to_rules(tokens[i], num_atoms)
        if (rules[:, BODY] > 0).any() and rules.tobytes() not in seen:
            seen.add(rules.tobytes())
            out.append(rules)
            scores.append(float(logp[i]))
        if len(out) == k:
            break
    return np.stack(out) if out else np.zeros((0, *canonical(np.zeros((0, 4))).shape), np.int16), scores


def net_proposer(model):
    """The registry proposer of a trained net: its greedy decode, then distinct samples by
    log-probability (fewer than K when the samples repeat)."""

    def propose(key, demos, num_drafts, config=None, truth=None):
        drafts, logp = sample_rule_sets(model, demos, num_drafts, key)
        return drafts.astype(RULE_DTYPE), {"distinct_samples": len(drafts),
                                            "best_log_prob": logp[0] if logp else None}

    return propose
