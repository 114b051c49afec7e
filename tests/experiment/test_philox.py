"""simsim's vectorised Philox4x64-10 against numpy's own Philox (an independent implementation in C)."""

from __future__ import annotations

import numpy as np
import pytest

from simsim import philox

SEEDS = [0, 5, 123456789, 2**62 + 3, 2**63 - 1]


def test_blocks_equal_numpy_philox_raw_output():
    # numpy increments the counter before each block: counter c gives blocks c+1, c+2, ...
    for key in (0, 7, 2**63 + 11):
        for c1 in (0, 987654321, 2**64 - 1):
            ref = np.random.Philox(key=key, counter=c1 << 64).random_raw(12).reshape(3, 4)
            ctr = np.array([[1, 2, 3], [c1] * 3, [0] * 3, [0] * 3], dtype=np.uint64)
            key_arr = np.array([[key % 2**64] * 3, [0] * 3], dtype=np.uint64)
            np.testing.assert_array_equal(philox.philox4x64(ctr, key_arr).T, ref)


def test_high_key_word_and_counter_words_are_used():
    key = (3 << 64) | 9
    ref = np.random.Philox(key=key, counter=(1 << 192) | (2 << 128) | (5 << 64) | 41).random_raw(4)
    out = philox.philox4x64(np.array([[42], [5], [2], [1]], dtype=np.uint64), np.array([[9], [3]], dtype=np.uint64))
    np.testing.assert_array_equal(out[:, 0], ref)


@pytest.mark.parametrize("start,n", [(0, 1), (0, 9), (3, 7), (6, 2)])
def test_stream_uniforms_equal_numpy_generator(start, n):
    sid = philox.stream_id("input:param.rationality")
    u = philox.uniforms(np.array(SEEDS), sid, n, start=start)
    assert u.shape == (len(SEEDS), n)
    for i, seed in enumerate(SEEDS):
        ref = np.random.Generator(np.random.Philox(key=seed, counter=sid << 64)).random(start + n)[start:]
        np.testing.assert_array_equal(u[i], ref)


def test_many_runs_cross_the_cache_block_boundary():
    seeds = np.arange(philox.BLOCK // 2 + 5)  # 2 blocks per run: more columns than BLOCK
    u = philox.uniforms(seeds, 77, 8)
    for i in (0, len(seeds) // 2, len(seeds) - 1):
        ref = np.random.Generator(np.random.Philox(key=int(seeds[i]), counter=77 << 64)).random(8)
        np.testing.assert_array_equal(u[i], ref)


def test_stream_ids_are_distinct_and_stable():
    names = [f"input:param.x{i}" for i in range(1000)] + ["model", "events"]
    assert len({philox.stream_id(s) for s in names}) == len(names)
    # BLAKE2b-64 of b"model", little-endian (hashlib, computed independently of simsim)
    import hashlib

    assert philox.stream_id("model") == int.from_bytes(hashlib.blake2b(b"model", digest_size=8).digest(), "little")


def test_uniforms_look_uniform():
    u = philox.uniforms(np.arange(20000), philox.stream_id("x"), 4).ravel()
    assert 0.0 <= u.min() and u.max() < 1.0
    # mean of 80,000 uniforms: sd 0.289 / sqrt(80000) = 0.001; 5 sd
    assert abs(u.mean() - 0.5) < 0.005
