"""hjbench: ground-truth value tables (tensor and sparse grids), the environments they were solved
for, and the optimality gap of any policy against them.

    import hjbench
    table = hjbench.Table("pendulum_v.h5")           # tensor or sparse; str or os.PathLike
    table.value([0.1, 0.0]); table.feedback(points)   # V* and the optimal feedback, any dimension
    env = hjbench.make_env("pendulum")               # a Gymnasium environment (Pendulum-v1, exactly)
    score = hjbench.evaluate(table, lambda obs: model.predict(obs, deterministic=True))
    score["gap_cost"]["mean"]                         # the same numbers as `hjbench evaluate`

Thread-safe: tables, policies and environments may be used from several threads (each environment
by one thread at a time); reading files and long computations release the GIL.
"""
from __future__ import annotations

import math
import numbers
import operator
import os

from . import _hjbench
from ._hjbench import Policy, __version__, environment_names
from .env import Env, make_env

__all__ = ["Table", "Policy", "Env", "make_env", "load_policy", "evaluate", "environment_names", "__version__"]


def _path(value, what):
    """A file path from a str, bytes or os.PathLike, with a NUL character refused (C would cut it)."""
    try:
        path = os.fsdecode(os.fspath(value))
    except TypeError:
        raise TypeError(f"{what} must be a path (str or os.PathLike), got {type(value).__name__} {value!r}") from None
    if "\0" in path:
        raise ValueError(f"{what} contains a NUL character: {path!r}")
    if not path:
        raise ValueError(f"{what} is empty")
    return path


class Table(_hjbench.Table):
    """An hjbench value table (tensor or sparse), read whole: Table(path)."""

    def __init__(self, path):
        super().__init__(_path(path, "Table: path"))

    def __repr__(self):
        return f"<hjbench.Table {self.problem} {self.mode} {self.dimension}-D {self.path!r}>"


def load_policy(path):
    """A policy file written by `hjbench train` (callable on observations; .critic(obs))."""
    return _hjbench.load_policy(_path(path, "load_policy: path"))


def _whole(name, value, low):
    if isinstance(value, bool):
        raise TypeError(f"evaluate: {name} must be an int, got {value!r}")
    try:
        v = operator.index(value)
    except TypeError:
        raise TypeError(f"evaluate: {name} must be an int, got {type(value).__name__} {value!r}") from None
    if v < low:
        raise ValueError(f"evaluate: {name} must be at least {low}, got {v}")
    return v


def evaluate(table, policy, *, problem=None, critic=None, starts=100, seed=1000000, bootstrap=2000,
             confidence=0.95, domain_points=4096, slice=41, coarse=None, optimum=None):
    """Scores a policy against a stationary table of its problem: the same computation and numbers as
    `hjbench evaluate` (a dict with the JSON's keys: gap_cost, gap_certified_lower_bound, gap_return, ...).

    policy: a Policy (hjbench.load_policy) or any callable observation -> action, where the
    observation is a float64 array and the action is one of the environment's action space (a Box
    array, or Acrobot's Discrete index 0/1/2, validated as Env.step validates it); a tuple result uses
    its first item, so `lambda o: model.predict(o, deterministic=True)` works for Stable-Baselines3.
    critic: optional callable observation -> value in the discounted-return scale (for critic errors).
    Episode e starts from the C++ environment's reset(seed + e) (the command line's starts). When the
    gap's confidence interval reaches into the table's own error at the starts (reference_error), a
    UserWarning says so in words and the dict has gap_within_reference_error = True: the table cannot
    tell the policy from optimal.
    optimum: an optimum.json of scripts/optimum.sh for the problem: the dict also gets "bracket" (its
    ends, and the gap of the policy's mean episode return to each, with standard errors), and the same
    warning when the policy's return reaches the lower end within 2 standard errors.
    """
    bracket = _read_bracket(optimum, problem if problem is not None else table.problem) if optimum is not None else None
    if not isinstance(table, _hjbench.Table):
        raise TypeError(f"evaluate: table must be an hjbench.Table, got {type(table).__name__}")
    if coarse is not None and not isinstance(coarse, _hjbench.Table):
        raise TypeError(f"evaluate: coarse must be an hjbench.Table or None, got {type(coarse).__name__}")
    if problem is not None and not isinstance(problem, str):
        raise TypeError(f"evaluate: problem must be a str or None, got {type(problem).__name__}")
    if critic is not None and not callable(critic):
        raise TypeError("evaluate: critic must be callable (observation -> value) or None")
    if isinstance(confidence, bool) or not isinstance(confidence, numbers.Real) or not 0 < confidence < 1:
        raise ValueError(f"evaluate: confidence must be a number in (0, 1), got {confidence!r}")
    starts, seed = _whole("starts", starts, 1), _whole("seed", seed, 0)
    bootstrap, domain_points, slice = (_whole("bootstrap", bootstrap, 0), _whole("domain_points", domain_points, 0),
                                       _whole("slice", slice, 0))
    if not isinstance(policy, Policy):
        if not callable(policy):
            raise TypeError("evaluate: policy must be an hjbench.Policy or callable: observation -> action")
        name = problem if problem is not None else table.problem
        env = None  # the environment of the table's dimension (lqr_mdp: 2 or 3), else the problem's own;
        for dim in (table.dimension, 0):  # none: an unknown problem, which the core names
            try:
                env = make_env(name, dim=dim)
                break
            except ValueError:
                pass
        if env is not None:
            user = policy

            def policy(obs):  # the action space's action -> environment units (Acrobot's index -> torque)
                a = user(obs)
                if isinstance(a, tuple) and a:
                    a = a[0]
                return env.to_environment_action(_squeeze(a, env))

    score = _hjbench.evaluate(table, policy, problem=problem, critic=critic, starts=starts, seed=seed,
                              bootstrap=bootstrap, confidence=float(confidence), domain_points=domain_points,
                              slice=slice, coarse=coarse)
    if bracket is not None:
        score["bracket"] = _bracket_gaps(bracket, score["policy_return"])
    return score


def _read_bracket(path, problem):
    """The bracket [lower, upper] of an optimum.json (scripts/optimum.sh) of `problem`'s episode return."""
    import json
    path = _path(path, "evaluate: optimum")
    try:
        with open(path) as f:
            b = json.load(f)
    except (OSError, ValueError) as e:
        raise RuntimeError(f"{path}: not a readable optimum.json ({e})") from None
    for key in ("problem", "lower", "lower_se", "upper", "upper_kind", "return"):
        if key not in b or b[key] is None:
            raise RuntimeError(f"{path}: no \"{key}\" (not an optimum.json of scripts/optimum.sh?)")
    if b["problem"] != problem:
        raise RuntimeError(f"{path}: the bracket of problem '{b['problem']}', not '{problem}'")
    if b["return"] != "episode":
        raise RuntimeError(f"{path}: a bracket of the {b['return']} return; evaluate compares episode returns")
    return b


def _bracket_gaps(b, policy_return):
    """The policy's gap to both ends: at least lower - R from optimal, at most (certified) or about
    (estimate) upper - R; the warning when the bracket cannot tell it from optimal."""
    import warnings
    mean, se = policy_return["mean"], policy_return["standard_error"]
    combined = math.sqrt(se * se + b["lower_se"] ** 2)
    out = {"lower": b["lower"], "lower_se": b["lower_se"], "upper": b["upper"], "upper_kind": b["upper_kind"],
           "gap_to_lower": {"mean": b["lower"] - mean, "standard_error": combined},
           "gap_to_upper": {"mean": b["upper"] - mean, "standard_error": se}, "warning": None}
    if b["lower"] - mean - 2 * combined <= 0:
        out["warning"] = ("gap is within the reference's error: the policy's mean episode return reaches the "
                          "bracket's lower end within 2 standard errors, so this bracket cannot tell it from optimal")
        warnings.warn(out["warning"], UserWarning, stacklevel=3)
    return out


def _squeeze(action, env):
    """Stable-Baselines3's predict on one observation returns shape (1, m) or (1,) for a batch of one:
    the one action it holds."""
    import numpy as np

    if isinstance(action, np.ndarray) and action.ndim >= 1 and action.shape[0] == 1:
        if env.action_space.shape == () or action.shape[1:] == env.action_space.shape:
            return action[0]
    return action
