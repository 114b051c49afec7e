from __future__ import annotations

import bernoulli
import pytest


@pytest.fixture
def bernoulli_mechanism():
    bernoulli.register()
    yield bernoulli.BernoulliModel
    bernoulli.unregister()
