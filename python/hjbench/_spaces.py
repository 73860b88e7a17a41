"""Gymnasium's two spaces hjbench's environments use, for machines without `gymnasium`.

When `gymnasium` is importable, hjbench uses `gymnasium.spaces.Box` and `gymnasium.spaces.Discrete`
themselves; these stand-ins have the same attributes and methods a user reaches for (low, high,
shape, dtype, n, start, sample, contains, seed, np_random) and the same sampling and membership
rules for the bounded boxes and discrete sets used here.
"""
from __future__ import annotations

import operator

import numpy as np


class Space:
    def __init__(self, shape, dtype, seed=None):
        self._shape = None if shape is None else tuple(shape)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self._np_random = None
        if seed is not None:
            self.seed(seed)

    @property
    def shape(self):
        return self._shape

    @property
    def np_random(self) -> np.random.Generator:
        if self._np_random is None:
            self.seed()
        return self._np_random

    def seed(self, seed=None):
        seq = np.random.SeedSequence(seed)
        self._np_random = np.random.Generator(np.random.PCG64(seq))
        return [seq.entropy]

    def __contains__(self, x) -> bool:
        return self.contains(x)


class Box(Space):
    """A box of float32 (or float64) points: low <= x <= high componentwise."""

    def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
        dtype = np.dtype(dtype)
        if shape is None:
            shape = np.shape(low) if np.ndim(low) > 0 else np.shape(high)
        shape = tuple(int(n) for n in shape)
        self.low = np.full(shape, low, dtype=dtype) if np.ndim(low) == 0 else np.asarray(low, dtype=dtype)
        self.high = np.full(shape, high, dtype=dtype) if np.ndim(high) == 0 else np.asarray(high, dtype=dtype)
        if self.low.shape != shape or self.high.shape != shape:
            raise ValueError(f"Box: low and high must have shape {shape}")
        super().__init__(shape, dtype, seed)

    def is_bounded(self, manner="both") -> bool:
        below, above = bool(np.all(np.isfinite(self.low))), bool(np.all(np.isfinite(self.high)))
        return {"both": below and above, "below": below, "above": above}[manner]

    def sample(self):
        """Uniform on the box (hjbench's boxes are bounded; Gymnasium's rule for those)."""
        if not self.is_bounded():
            raise NotImplementedError("hjbench's stand-in Box samples bounded boxes only")
        return self.np_random.uniform(self.low.astype(np.float64), self.high.astype(np.float64)).astype(self.dtype)

    def contains(self, x) -> bool:
        if not isinstance(x, np.ndarray):
            try:
                x = np.asarray(x, dtype=self.dtype)
            except (ValueError, TypeError):
                return False
        return bool(np.can_cast(x.dtype, self.dtype) and x.shape == self.shape and np.all(x >= self.low)
                    and np.all(x <= self.high))

    def __repr__(self):
        return f"Box({self.low}, {self.high}, {self.shape}, {self.dtype})"

    def __eq__(self, other):
        return (isinstance(other, Box) and self.shape == other.shape and self.dtype == other.dtype
                and np.array_equal(self.low, other.low) and np.array_equal(self.high, other.high))


class Discrete(Space):
    """The integers start, ..., start + n - 1."""

    def __init__(self, n, seed=None, start=0):
        self.n = np.int64(n)
        self.start = np.int64(start)
        super().__init__((), np.int64, seed)

    def sample(self):
        return self.start + self.np_random.integers(self.n)

    def contains(self, x) -> bool:
        if isinstance(x, (bool, np.bool_)):
            return False
        if isinstance(x, np.ndarray) and x.shape == () and np.issubdtype(x.dtype, np.integer):
            x = int(x)
        try:
            k = operator.index(x)
        except TypeError:
            return False
        return bool(self.start <= k < self.start + self.n)

    def __repr__(self):
        return f"Discrete({self.n})" if self.start == 0 else f"Discrete({self.n}, start={self.start})"

    def __eq__(self, other):
        return isinstance(other, Discrete) and self.n == other.n and self.start == other.start
