"""hjbench's environments with Gymnasium's API, on the C++ step the solvers use.

    env = hjbench.make_env("pendulum")            # Pendulum-v1; also mountain_car, acrobot, lqr_mdp,
                                                  # cartpole_swingup, planar_quadrotor (hjbench's own tasks)
    obs, info = env.reset(seed=0)                 # the start state Gymnasium's Pendulum-v1 draws for seed 0
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

What follows Gymnasium exactly (its classic-control sources, 0.29 and later):
- spaces: `observation_space` a float32 Box with Gymnasium's bounds, `action_space` a float32 Box
  (Pendulum, MountainCarContinuous) or Discrete(3) (Acrobot: index 0, 1, 2 = torque -1, 0, +1);
  `gymnasium.spaces` themselves when `gymnasium` is importable (and the class is then a
  `gymnasium.Env`), otherwise stand-ins with the same attributes (hjbench._spaces).
- observations are float32 arrays; rewards Python floats; terminated/truncated Python bools
  (the episode limit is the TimeLimit `gymnasium.make` adds: 200, 999, 500 steps).
- `reset(seed=None, options=None)`: a seed makes a new generator
  `numpy.random.Generator(PCG64(SeedSequence(seed)))` as Gymnasium's `np_random` does, and the start
  state is drawn from it with Gymnasium's calls (uniform over the start box's non-degenerate axes,
  Acrobot's draw rounded to float32), so `reset(seed=s)` gives Gymnasium's start state for seed s;
  without a seed the generator continues. Options: Pendulum `x_init`, `y_init`; MountainCar and
  Acrobot `low`, `high` (Gymnasium's), and `state` (hjbench's: start from this exact state).
- actions are validated before the step: a Discrete action must be an integer index in range
  (Python int, NumPy integer or 0-d integer array; bools and floats refused), a Box action an array
  of the space's shape of finite numbers; out-of-range continuous actions are clipped where
  Gymnasium clips (by the C++ problem's step, the same code the solvers use). `step` before `reset`
  raises RuntimeError.
"""
from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from . import _hjbench

try:  # Gymnasium when present: its base class and spaces; otherwise the stand-ins.
    import gymnasium as _gym
    from gymnasium import spaces as _space_module

    _Base = _gym.Env
except ImportError:  # pragma: no cover - depends on the machine
    _gym = None
    from . import _spaces as _space_module

    class _Base:
        """The parts of gymnasium.Env's interface an environment is expected to have."""

        metadata = {"render_modes": []}
        render_mode = None
        spec = None
        reward_range = (-float("inf"), float("inf"))

        @property
        def unwrapped(self):
            return self

        def render(self):
            raise NotImplementedError("hjbench environments do not render")

        def close(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *args):
            self.close()
            return False


# Gymnasium's ids, and the reset options each of its environments reads (utils.maybe_parse_reset_bounds
# for low/high; Pendulum's x_init/y_init).
_GYMNASIUM = {
    "pendulum": {"id": "Pendulum-v1", "options": ("x_init", "y_init")},
    "mountain_car": {"id": "MountainCarContinuous-v0", "options": ("low", "high")},
    "acrobot": {"id": "Acrobot-v1", "options": ("low", "high"), "start_float32": True},
}


def _number(name, value):
    """A finite real number for option or parameter `name` (bools refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


class Env(_Base):
    """One of hjbench's MDP problems as a Gymnasium environment (make it with hjbench.make_env)."""

    metadata = {"render_modes": []}
    render_mode = None
    spec = None

    def __init__(self, core):
        if not isinstance(core, _hjbench.Env):
            raise TypeError("use hjbench.make_env(name, ...) to make an environment")
        self._core = core
        self._gymnasium = _GYMNASIUM.get(core.problem, {})
        self.observation_space = _space_module.Box(
            low=np.asarray(core.observation_low, dtype=np.float32),
            high=np.asarray(core.observation_high, dtype=np.float32), dtype=np.float32)
        self._discrete = [core.discrete_action(k) for k in range(core.discrete_action_count)]
        if self._discrete:
            self.action_space = _space_module.Discrete(len(self._discrete))
        else:
            self.action_space = _space_module.Box(
                low=np.asarray(core.action_low, dtype=np.float32), high=np.asarray(core.action_high, dtype=np.float32),
                shape=(core.action_dim,), dtype=np.float32)
        self._np_random = None
        self._started = False

    # --- Gymnasium's API ---
    @property
    def np_random(self) -> np.random.Generator:
        """The generator reset() draws start states from (seeded from entropy on first use)."""
        if self._np_random is None:
            self._np_random = np.random.Generator(np.random.PCG64(np.random.SeedSequence()))
        return self._np_random

    @np_random.setter
    def np_random(self, value):
        self._np_random = value

    def reset(self, *, seed=None, options=None):
        """Starts an episode: (observation, info). See the module's documentation for seeds and options."""
        if seed is not None:
            if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
                raise TypeError(f"seed must be a non-negative int or None, got {type(seed).__name__} {seed!r}")
            if seed < 0:
                raise ValueError(f"seed must be a non-negative int, got {seed}")
            self._np_random = np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed))))
        if options is not None and not isinstance(options, dict):
            raise TypeError(f"options must be a dict or None, got {type(options).__name__}")
        options = dict(options or {})
        state = options.pop("state", None)
        if state is not None:
            if options:
                raise ValueError(f"reset option 'state' excludes the others ({', '.join(sorted(options))})")
            self._core.set_state(self._state_arg(state))
        else:
            self._core.set_state(self._draw_start(options))
        self._started = True
        return self._observation(), self._info()

    def step(self, action):
        """Applies an action: (observation, reward, terminated, truncated, info)."""
        if not self._started:
            raise RuntimeError("call reset() before step(): the environment has no state yet")
        _, reward, terminated, truncated, _ = self._core.step(self.to_environment_action(action))
        return self._observation(), float(reward), bool(terminated), bool(truncated), self._info()

    def close(self):
        pass

    # --- hjbench's additions ---
    def to_environment_action(self, action):
        """An action of `action_space` (validated as described above) in the problem's units: a
        float64 array of action_dim numbers (Acrobot's index k -> its torque)."""
        if self._discrete:
            return np.asarray(self._discrete[self._index(action)], dtype=np.float64)
        if action is None or isinstance(action, (bool, np.bool_, str, bytes)) or (
                isinstance(action, np.ndarray) and action.dtype == np.bool_):
            raise TypeError(f"an action of {self.problem} is an array of numbers, got {action!r}")
        try:
            a = np.asarray(action, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"an action of {self.problem} is an array of shape {self.action_space.shape}, "
                            f"got {type(action).__name__} {action!r}") from None
        if a.shape != self.action_space.shape:
            raise ValueError(f"an action of {self.problem} has shape {self.action_space.shape} (the action "
                             f"space's), got shape {a.shape}: {action!r}")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"an action of {self.problem} must be finite, got {action!r}")
        return a

    def _index(self, action):
        if isinstance(action, (bool, np.bool_)):
            raise TypeError(f"an action of {self.problem} is an integer index 0..{len(self._discrete) - 1}, "
                            f"got {action!r}")
        if isinstance(action, np.ndarray) and action.shape == () and np.issubdtype(action.dtype, np.integer):
            action = int(action)
        try:
            k = operator.index(action)
        except TypeError:
            raise TypeError(f"an action of {self.problem} is an integer index 0..{len(self._discrete) - 1} "
                            f"(Gymnasium's Discrete({len(self._discrete)})), got {type(action).__name__} "
                            f"{action!r}") from None
        if not 0 <= k < len(self._discrete):
            raise ValueError(f"an action of {self.problem} is an index 0..{len(self._discrete) - 1}, got {k}")
        return k

    def _state_arg(self, state):
        try:
            x = np.asarray(state, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"reset option 'state' must be {self.state_dim} numbers, got {state!r}") from None
        if x.shape != (self.state_dim,) or not np.all(np.isfinite(x)):
            raise ValueError(f"reset option 'state' must be {self.state_dim} finite numbers, got {state!r}")
        return x.tolist()

    def _draw_start(self, options):
        """The start state, drawn as Gymnasium draws it (one uniform call over the drawn axes)."""
        low, high = np.array(self._core.start_low), np.array(self._core.start_high)
        drawn = low < high
        accepted = self._gymnasium.get("options", ())
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            raise ValueError(f"unknown reset option(s) {', '.join(map(repr, unknown))} for {self.problem}; "
                             f"accepted: {', '.join(map(repr, (*accepted, 'state')))}")
        if "x_init" in options or "y_init" in options:  # Pendulum: high = (x_init, y_init), low = -high
            h = np.array([_number("reset option 'x_init'", options.get("x_init", high[0])),
                          _number("reset option 'y_init'", options.get("y_init", high[1]))])
            low, high = -h, h
            drawn = np.ones_like(drawn)
        elif "low" in options or "high" in options:  # one interval for every drawn axis
            lo = _number("reset option 'low'", options.get("low", low[drawn][0]))
            hi = _number("reset option 'high'", options.get("high", high[drawn][0]))
            if lo > hi:
                raise ValueError(f"reset option 'low' ({lo}) must not exceed 'high' ({hi})")
            low[drawn], high[drawn] = lo, hi
        x = low.copy()
        x[drawn] = self.np_random.uniform(low=low[drawn], high=high[drawn])
        if self._gymnasium.get("start_float32"):
            x = x.astype(np.float32).astype(np.float64)
        return x.tolist()

    def _observation(self):
        return self._core.observation().astype(np.float32)

    def _info(self):
        return {"state": np.array(self._core.state)}

    @property
    def gymnasium_id(self):
        """The Gymnasium environment this one reproduces (None for hjbench's own problems)."""
        return self._gymnasium.get("id")

    @property
    def state(self):
        """The exact state (float64; the observation is a float32 function of it)."""
        return np.array(self._core.state)

    def set_state(self, x):
        """Starts an episode from state x (as reset(options={'state': x}), without an observation)."""
        self._core.set_state(self._state_arg(x))
        self._started = True

    problem = property(lambda self: self._core.problem, doc="the catalogue problem's name")
    state_dim = property(lambda self: self._core.state_dim)
    observation_dim = property(lambda self: self._core.observation_dim)
    action_dim = property(lambda self: self._core.action_dim, doc="components of the step's action (torques)")
    action_low = property(lambda self: self._core.action_low, doc="the action box (environment units)")
    action_high = property(lambda self: self._core.action_high)
    episode_limit = property(lambda self: self._core.episode_limit, doc="steps before truncation")
    discount = property(lambda self: self._core.discount)
    parameters = property(lambda self: self._core.parameters)

    def __repr__(self):
        return f"<hjbench.Env {self.problem}" + (f" ({self.gymnasium_id})>" if self.gymnasium_id else ">")


def make_env(name, *, dim=0, **parameters):
    """make_env(name, dim=0, **parameters): the Gymnasium environment of a catalogue problem
    (hjbench.environment_names(); dim: lqr_mdp's 2 or 3). Parameters are the problem's
    (`hjbench problems`), checked against the model's range."""
    if not isinstance(name, str):
        raise TypeError(f"make_env: name must be a str (one of {', '.join(_hjbench.environment_names())}), "
                        f"got {type(name).__name__}")
    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"make_env: dim must be an int, got {type(dim).__name__}")
    values = {k: _number(f"make_env: parameter {k}", v) for k, v in parameters.items()}
    return Env(_hjbench.make_env(name, dim=int(dim), **values))
