"""Per-run random streams: uniforms that depend only on (run seed, stream name, position).

Every random number of a run is read from a named *stream* of that run: each uncertain input
has its own stream (``input:<column>``), the events theirs (``events``), and a mechanism names
the streams it draws from (e.g. ``visits``). Value ``i`` of stream ``s`` of the run with seed
``k`` is the ``i``-th double of ``numpy.random.Generator(numpy.random.Philox(key=[k, id(s)]))``,
where ``id(s)`` is a 64-bit hash of the stream's name (:func:`stream_id`). So:

* a run's numbers do not depend on which other runs are computed with it (any chunking, any
  number of processes give the same results), and a run is replayed from its seed alone;
* changing or fixing one uncertain input leaves the draws of every other input unchanged
  (common random numbers across counterfactuals);
* adding a stream does not shift the numbers of another.

Philox4x64-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy as 1, 2, 3",
SC'11) is a counter-based generator: the ``j``-th block of four 64-bit words is a keyed bijection
of the counter ``j``, so any position is computed directly. :func:`uniforms` computes the blocks
of all runs at once in numpy instead of building one generator object per run; a test checks
that it equals NumPy's own :class:`numpy.random.Philox` word for word.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

_M0 = np.uint64(0xD2E7470EE14C6C93)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)
_W1 = np.uint64(0xBB67AE8584CAA73B)
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_ROUNDS = 10


@lru_cache(maxsize=4096)
def stream_id(name: str) -> int:
    """Stable 64-bit id of a stream name (BLAKE2b of its UTF-8 bytes)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def _mulhilo(a: np.ndarray, b: np.uint64) -> tuple[np.ndarray, np.ndarray]:
    """High and low 64-bit words of the 128-bit products ``a * b`` (uint64 arrays)."""
    a0, a1 = a & _LOW32, a >> _S32
    b0, b1 = b & _LOW32, b >> _S32
    a0b0, a0b1, a1b0 = a0 * b0, a0 * b1, a1 * b0
    mid = (a0b0 >> _S32) + (a0b1 & _LOW32) + (a1b0 & _LOW32)
    hi = a1 * b1 + (a0b1 >> _S32) + (a1b0 >> _S32) + (mid >> _S32)
    return hi, a * b


def philox_blocks(key0: np.ndarray, key1: np.ndarray, counter: np.ndarray) -> np.ndarray:
    """Philox4x64-10 of counters ``(counter, 0, 0, 0)`` under keys ``(key0, key1)``.

    ``key0``, ``key1`` and ``counter`` broadcast together (uint64); returns their broadcast
    shape plus a last axis of 4 words.
    """
    with np.errstate(over="ignore"):
        k0, k1, c0 = np.broadcast_arrays(np.asarray(key0, np.uint64), np.asarray(key1, np.uint64),
                                         np.asarray(counter, np.uint64))
        k0, k1 = k0.copy(), k1.copy()
        x0, x1 = c0.copy(), np.zeros_like(c0)
        x2, x3 = np.zeros_like(c0), np.zeros_like(c0)
        for r in range(_ROUNDS):
            if r:
                k0 += _W0
                k1 += _W1
            hi0, lo0 = _mulhilo(x0, _M0)
            hi1, lo1 = _mulhilo(x2, _M1)
            x0, x1, x2, x3 = hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0
        return np.stack([x0, x1, x2, x3], axis=-1)


def uniforms(seeds: np.ndarray | list[int], stream: str, shape: int | tuple[int, ...] = ()) -> np.ndarray:
    """Uniforms in [0, 1) of stream ``stream`` for every run seed: shape ``(len(seeds), *shape)``.

    Entry ``[r, ...]`` at flat (C-order) position ``i`` of ``shape`` is value ``i`` of the stream
    of the run with seed ``seeds[r]``, whatever the other runs and the total size: asking for
    more values extends the stream, it does not change the first ones.
    """
    shp = (shape,) if isinstance(shape, int) else tuple(shape)
    seeds_a = np.asarray(seeds, dtype=np.uint64).reshape(-1)
    size = int(np.prod(shp, dtype=np.int64))
    if size == 0 or seeds_a.size == 0:
        return np.zeros((seeds_a.size, *shp))
    nblocks = -(-size // 4)
    # numpy's Philox increments the counter before each block: block j uses counter j + 1
    counters = np.arange(1, nblocks + 1, dtype=np.uint64)
    words = philox_blocks(seeds_a[:, None], np.uint64(stream_id(stream)), counters[None, :])
    flat = words.reshape(seeds_a.size, nblocks * 4)[:, :size]
    return ((flat >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)).reshape(seeds_a.size, *shp)


def generator(seed: int, stream: str) -> np.random.Generator:
    """A NumPy generator positioned at the start of stream ``stream`` of run ``seed``.

    For code that needs a generator object (a mechanism that computes one run per model draws
    through Mesa's ``self.rng``, which is this generator for stream ``model``); its doubles are
    the values :func:`uniforms` gives.
    """
    return np.random.Generator(np.random.Philox(key=np.array([int(seed), stream_id(stream)], dtype=np.uint64)))
