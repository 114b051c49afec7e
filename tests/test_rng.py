"""Per-run streams: NumPy's Philox word for word, independent of chunking, one stream per input."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import simsim
from simsim.model import sample_inputs
from simsim.rng import generator, stream_id, uniforms


@settings(max_examples=30, deadline=None)
@given(seeds=st.lists(st.integers(0, 2**63 - 1), min_size=1, max_size=5), size=st.integers(1, 11),
       name=st.text(min_size=1, max_size=12))
def test_uniforms_equal_numpy_philox(seeds, size, name):
    # the vectorised Philox4x64-10 must be NumPy's own generator, value for value
    got = uniforms(seeds, name, size)
    for r, s in enumerate(seeds):
        ref = np.random.Generator(np.random.Philox(key=np.array([s, stream_id(name)], dtype=np.uint64))).random(size)
        assert np.array_equal(got[r], ref)


def test_uniforms_prefix_and_shape():
    a = uniforms([5, 6], "s", (3, 4))
    b = uniforms([6], "s", 20)
    assert a.shape == (2, 3, 4)
    assert np.array_equal(a[1].reshape(-1), b[0, :12])  # more values extend the stream
    assert np.array_equal(generator(6, "s").random(12), b[0, :12])
    assert not np.array_equal(uniforms([6], "t", 12), b[:, :12])  # another stream, other numbers
    assert ((a >= 0) & (a < 1)).all()


def test_uniforms_are_uniform():
    u = uniforms(np.arange(20_000), "check", ())
    # mean of 20,000 U(0,1): sd 1/sqrt(12 * 20000) = 0.002; 5 sd
    assert abs(u.mean() - 0.5) < 0.01
    counts = np.histogram(u, bins=10, range=(0, 1))[0]
    # chi-square with 9 degrees of freedom: P(X > 27.9) = 0.001
    assert ((counts - 2000) ** 2 / 2000).sum() < 27.9


def test_fixing_one_input_leaves_the_others_draws_unchanged():
    # common random numbers: each input has its own stream
    base = simsim.load_scenario("mongolia_icc_2024")
    fixed = simsim.load_scenario("mongolia_icc_2024", {"parameters.rationality": 4})
    a = pd.DataFrame([sample_inputs(base, s) for s in range(50)])
    b = pd.DataFrame([sample_inputs(fixed, s) for s in range(50)])
    assert "param.rationality" in a and "param.rationality" not in b
    pd.testing.assert_frame_equal(a.drop(columns="param.rationality"), b)
    ra = simsim.run(base, replications=80, seed=3)
    rb = simsim.run(fixed, replications=80, seed=3)
    others = [c for c in rb.runs if c.startswith(("param.", "attr.", "rel."))]
    pd.testing.assert_frame_equal(ra.runs[others], rb.runs[others])
