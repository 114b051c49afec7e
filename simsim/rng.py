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
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_M0, _M1 = 0xD2E7470EE14C6C93, 0xCA5A826395121157  # round multipliers (Random123)
_W0, _W1 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBB67AE8584CAA73B)  # Weyl key increments
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_ROUNDS = 10
#: values computed together: the twelve scratch arrays of one block (768 kB) stay in a 1 MB L2 cache
_BLOCK = 8192


@lru_cache(maxsize=4096)
def stream_id(name: str) -> int:
    """Stable 64-bit id of a stream name (BLAKE2b of its UTF-8 bytes)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def _mulhilo(a: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """High and low 64-bit words of the 128-bit products ``a * m`` (new arrays; for small ``a``)."""
    ml, mh = np.uint64(m & 0xFFFFFFFF), np.uint64(m >> 32)
    a_lo, a_hi = a & _LOW32, a >> _S32
    mid = ((a_lo * ml) >> _S32) + ((a_hi * ml) & _LOW32) + (a_lo * mh)
    return a_hi * mh + ((a_hi * ml) >> _S32) + (mid >> _S32), a * np.uint64(m)


def _rounds(x: np.ndarray, k0: np.ndarray, k1: np.ndarray, t: np.ndarray, first: int = 0) -> None:
    """Philox4x64 rounds ``first`` to 9 on the words ``x`` (4, m) in place; ``t`` is (8, m) scratch.

    Round r uses the keys ``(k0 + r W0, k1 + r W1)`` (keys of any shape with m values; copied).
    Every operation writes into preallocated arrays: the cost is arithmetic, not allocation.
    """
    x0, x1, x2, x3 = x
    a_lo, a_hi, c, d, hi0, lo0, hi1, lo1 = t
    k0 = (k0 + np.uint64(first * int(_W0) % 2**64)).reshape(-1)
    k1 = (k1 + np.uint64(first * int(_W1) % 2**64)).reshape(-1)
    for r in range(first, _ROUNDS):
        if r > first:
            k0 += _W0
            k1 += _W1
        for m, a, hi, lo in ((_M0, x0, hi0, lo0), (_M1, x2, hi1, lo1)):
            # the 128-bit product a * m from 32-bit halves: hi, lo words
            ml, mh = np.uint64(m & 0xFFFFFFFF), np.uint64(m >> 32)
            np.bitwise_and(a, _LOW32, out=a_lo)
            np.right_shift(a, _S32, out=a_hi)
            np.multiply(a_lo, ml, out=c)
            np.right_shift(c, _S32, out=c)  # (a_lo m_lo) >> 32
            np.multiply(a_hi, ml, out=d)  # a_hi m_lo
            np.multiply(a, np.uint64(m), out=lo)  # low word (wraps)
            np.bitwise_and(d, _LOW32, out=a)  # a is not read again this round
            c += a
            np.right_shift(d, _S32, out=d)
            np.multiply(a_lo, mh, out=a)  # a_lo m_hi
            c += a  # middle term: < 2**64, no overflow
            np.right_shift(c, _S32, out=c)
            np.multiply(a_hi, mh, out=hi)
            hi += d
            hi += c
        np.bitwise_xor(hi1, x1, out=x0)
        x0 ^= k0
        np.copyto(x1, lo1)
        np.bitwise_xor(hi0, x3, out=x2)
        x2 ^= k1
        np.copyto(x3, lo0)


def philox_blocks(key0: np.ndarray | np.uint64, key1: np.ndarray | np.uint64, counter: np.ndarray | np.uint64
                  ) -> np.ndarray:
    """Philox4x64-10 of counters ``(counter, 0, 0, 0)`` under keys ``(key0, key1)``.

    ``key0``, ``key1`` and ``counter`` broadcast together (uint64); returns their broadcast
    shape plus a last axis of 4 words.

    The first two rounds are computed on the arguments before broadcasting: the counter's last
    three words are zero, so round 0 multiplies the counter alone and round 1 the first key
    alone and a word made of the counter and the second key (e.g. each run's seed once and each
    stream once, not every run-stream pair). The other eight rounds are computed in
    cache-sized blocks of whole rows, in place.
    """
    k0a, k1a, ca = (np.asarray(v, np.uint64) for v in (key0, key1, counter))
    with np.errstate(over="ignore"):
        # round 0 on (counter, 0, 0, 0): words (k0, 0, hi(M0 c) ^ k1, lo(M0 c))
        hi, lo0 = _mulhilo(ca, _M0)
        x2_0 = hi ^ k1a
        # round 1, keys + W: the products of word 0 (= k0) and word 2
        hi0, lo0_1 = _mulhilo(k0a, _M0)
        hi1, lo1 = _mulhilo(x2_0, _M1)
        words = (hi1 ^ (k0a + _W0), lo1, hi0 ^ lo0 ^ (k1a + _W1), lo0_1)
        k0, k1, *ws = np.broadcast_arrays(k0a, k1a, *words)
    shape = k0.shape
    if len(shape) != 2:  # blocks of whole rows of a 2-D view (copies only for other shapes)
        two = (int(np.prod(shape[:-1], dtype=np.int64)), shape[-1]) if shape else (1, 1)
        k0, k1, *ws = (np.broadcast_to(a, shape).reshape(two) for a in (k0, k1, *ws))
    rows, width = k0.shape
    per = max(1, _BLOCK // max(width, 1))  # rows per block
    out = np.empty((rows, width, 4), dtype=np.uint64)
    m = min(rows, per) * width
    x = np.empty((4, m), dtype=np.uint64)
    t = np.empty((8, m), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for s in range(0, rows, per):
            e = min(rows, s + per)
            size = (e - s) * width
            w = x[:, :size]
            for i in range(4):
                w[i].reshape(e - s, width)[...] = ws[i][s:e]
            _rounds(w, k0[s:e], k1[s:e], t[:, :size], first=2)
            out[s:e] = w.T.reshape(e - s, width, 4)
    return out.reshape(*shape, 4)


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


def first_uniforms(seeds: np.ndarray | Sequence[int], streams: list[str]) -> np.ndarray:
    """The first value of each of ``streams`` for every run seed: shape ``(len(seeds), len(streams))``.

    Equal to ``uniforms(seeds, stream)`` stream by stream, computed in one pass (the uncertain
    inputs of a chunk of runs, one stream each).
    """
    seeds_a = np.asarray(seeds, dtype=np.uint64).reshape(-1)
    if not streams or seeds_a.size == 0:
        return np.zeros((seeds_a.size, len(streams)))
    ids = np.array([stream_id(s) for s in streams], dtype=np.uint64)
    words = philox_blocks(seeds_a[:, None], ids[None, :], np.uint64(1))[..., 0]
    return (words >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def generator(seed: int, stream: str) -> np.random.Generator:
    """A NumPy generator positioned at the start of stream ``stream`` of run ``seed``.

    For code that needs a generator object (a mechanism that computes one run per model draws
    through Mesa's ``self.rng``, which is this generator for stream ``model``); its doubles are
    the values :func:`uniforms` gives.
    """
    return np.random.Generator(np.random.Philox(key=np.array([int(seed), stream_id(stream)], dtype=np.uint64)))
