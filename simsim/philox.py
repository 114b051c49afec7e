"""Philox4x64-10 computed with numpy for many keys and counters at once.

Philox (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy as 1, 2, 3",
SC '11, doi:10.1145/2063384.2063405) is a counter-based generator: block ``b`` of a stream is a
pure function ``philox(counter, key)``, so any run's numbers can be computed without creating a
generator, for all runs side by side, and in any order. This is the same function that
:class:`numpy.random.Philox` computes one key at a time (``tests/experiment/test_rng.py`` checks
that they agree bit for bit).

simsim's streams (see :mod:`simsim.rng`): position ``p`` of stream ``s`` of the run with seed
``k`` is word ``p % 4`` of ``philox((p // 4 + 1, id(s), 0, 0), (k, 0))``, turned into a double in
[0, 1) as numpy does (``(word >> 11) * 2**-53``). Equivalently, the stream is
``numpy.random.Generator(numpy.random.Philox(key=k, counter=id(s) << 64)).random()`` (give the
counter as one integer: numpy converts a list of large words through floats and loses bits).
"""

from __future__ import annotations

import hashlib

import numpy as np

_U = np.uint64
_M0, _M1 = 0xD2E7470EE14C6C93, 0xCA5A826395121157  # multipliers (Random123)
_W0, _W1 = 0x9E3779B97F4A7C15, 0xBB67AE8584CAA73B  # Weyl key increments
_MASK, _S32, _S11 = _U(0xFFFFFFFF), _U(32), _U(11)
ROUNDS = 10
#: elements processed together: the scratch arrays stay in the CPU cache
BLOCK = 16384


def stream_id(name: str) -> int:
    """The 64-bit id of a named stream: the first 8 bytes of its BLAKE2b hash, little-endian."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def _rounds(c: np.ndarray, k0: np.ndarray, k1: np.ndarray, t: np.ndarray) -> None:
    """Ten Philox4x64 rounds on counters ``c`` (4, m) in place; ``t`` is (8, m) scratch."""
    c0, c1, c2, c3 = c
    a_lo, a_hi, x, y, hi0, lo0, hi1, lo1 = t
    k0, k1 = k0.copy(), k1.copy()
    for r in range(ROUNDS):
        if r:
            k0 += _U(_W0)
            k1 += _U(_W1)
        for m, a, hi, lo in ((_M0, c0, hi0, lo0), (_M1, c2, hi1, lo1)):
            # 64 x 64 -> 128-bit product of a and m, from 32-bit halves
            ml, mh = _U(m & 0xFFFFFFFF), _U(m >> 32)
            np.bitwise_and(a, _MASK, out=a_lo)
            np.right_shift(a, _S32, out=a_hi)
            np.multiply(a_lo, ml, out=x)
            np.right_shift(x, _S32, out=x)  # (a_lo * m_lo) >> 32
            np.multiply(a_hi, ml, out=y)  # a_hi * m_lo
            np.multiply(a, _U(m), out=lo)  # low word (wraps)
            np.bitwise_and(y, _MASK, out=a)  # a is read no more this round
            x += a
            np.right_shift(y, _S32, out=y)
            np.multiply(a_lo, mh, out=a)
            x += a  # cross term; cannot overflow
            np.right_shift(x, _S32, out=x)
            np.multiply(a_hi, mh, out=hi)
            hi += y
            hi += x
        np.bitwise_xor(hi1, c1, out=c0)
        c0 ^= k0
        np.copyto(c1, lo1)
        np.bitwise_xor(hi0, c3, out=c2)
        c2 ^= k1
        np.copyto(c3, lo0)


def philox4x64(counter: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Philox4x64-10 of each column: ``counter`` (4, N) and ``key`` (2, N) of uint64 -> (4, N)."""
    counter = np.asarray(counter, dtype=_U)
    key = np.broadcast_to(np.asarray(key, dtype=_U), (2, counter.shape[1]))
    n = counter.shape[1]
    out = np.empty_like(counter)
    t = np.empty((8, min(n, BLOCK)), dtype=_U)
    c = np.empty((4, min(n, BLOCK)), dtype=_U)
    with np.errstate(over="ignore"):
        for s in range(0, n, BLOCK):
            e = min(n, s + BLOCK)
            m = e - s
            cc = c[:, :m]
            cc[...] = counter[:, s:e]
            _rounds(cc, key[0, s:e], key[1, s:e], t[:, :m])
            out[:, s:e] = cc
    return out


def uniforms(seeds: np.ndarray, sid: int, n: int, start: int = 0) -> np.ndarray:
    """Positions ``start .. start+n-1`` of stream ``sid`` for each run seed: shape (R, n), in [0, 1).

    Only the Philox blocks that hold those positions are computed.
    """
    seeds = np.asarray(seeds, dtype=np.int64).astype(_U)
    R = len(seeds)
    if n <= 0 or R == 0:
        return np.zeros((R, max(n, 0)))
    b0, b1 = start // 4, (start + n - 1) // 4 + 1
    nb = b1 - b0
    ctr = np.zeros((4, R * nb), dtype=_U)
    ctr[0] = np.tile(np.arange(b0 + 1, b1 + 1, dtype=_U), R)
    ctr[1] = _U(sid)
    key = np.zeros((2, R * nb), dtype=_U)
    key[0] = np.repeat(seeds, nb)
    words = philox4x64(ctr, key)  # (4, R * nb): word w of block j of run r at column r * nb + j
    words = words.T.reshape(R, nb * 4)[:, start - 4 * b0: start - 4 * b0 + n]
    return (words >> _S11).astype(np.float64) * (1.0 / 9007199254740992.0)
