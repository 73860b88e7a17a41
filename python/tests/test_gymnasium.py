"""Conformance of hjbench's environments to Gymnasium's API, and the module under threads.

The expected values are Gymnasium's, written here from its sources (classic_control, 0.29 and later)
and its documentation, never read back from the module: spaces and dtypes, reset/step signatures,
start states drawn from numpy's Generator(PCG64(SeedSequence(seed))) with Gymnasium's calls, the
three reset examples Gymnasium publishes in its docstrings, action validation, step before reset.
"""
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import hjbench

HJBENCH = os.environ.get("HJBENCH", "build/hjbench")
PI = math.pi

# Gymnasium's spaces, written out from its sources.
SPACES = {
    "pendulum": dict(obs_low=[-1, -1, -8], obs_high=[1, 1, 8], act=("box", [-2.0], [2.0]), limit=200),
    "mountain_car": dict(obs_low=[-1.2, -0.07], obs_high=[0.6, 0.07], act=("box", [-1.0], [1.0]), limit=999),
    "acrobot": dict(obs_low=[-1, -1, -1, -1, -4 * PI, -9 * PI], obs_high=[1, 1, 1, 1, 4 * PI, 9 * PI],
                    act=("discrete", 3), limit=500),
}


def gymnasium_rng(seed):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))


def gymnasium_start(name, rng):
    """The state Gymnasium's reset() draws (its own calls, as in its sources)."""
    if name == "pendulum":
        return rng.uniform(low=-np.array([PI, 1.0]), high=np.array([PI, 1.0]))
    if name == "mountain_car":
        return np.array([rng.uniform(low=-0.6, high=-0.4), 0])
    if name == "acrobot":
        return rng.uniform(low=-0.1, high=0.1, size=(4,)).astype(np.float32).astype(np.float64)
    raise KeyError(name)


def gymnasium_observation(name, s):
    if name == "pendulum":
        return np.array([np.cos(s[0]), np.sin(s[0]), s[1]], dtype=np.float32)
    if name == "mountain_car":
        return np.array(s, dtype=np.float32)
    return np.array([np.cos(s[0]), np.sin(s[0]), np.cos(s[1]), np.sin(s[1]), s[2], s[3]], dtype=np.float32)


@pytest.mark.parametrize("name", sorted(SPACES))
def test_spaces_have_gymnasiums_attributes(name):
    env, want = hjbench.make_env(name), SPACES[name]
    o = env.observation_space
    assert o.dtype == np.float32 and o.shape == (len(want["obs_low"]),)
    assert np.array_equal(o.low, np.float32(want["obs_low"])) and np.array_equal(o.high, np.float32(want["obs_high"]))
    a = env.action_space
    if want["act"][0] == "box":
        assert a.dtype == np.float32 and a.shape == (1,)
        assert np.array_equal(a.low, np.float32(want["act"][1])) and np.array_equal(a.high, np.float32(want["act"][2]))
    else:
        assert a.n == want["act"][1] and a.shape == () and a.dtype == np.int64
    for _ in range(20):
        assert a.contains(a.sample())
    assert env.episode_limit == want["limit"] and env.gymnasium_id is not None


@pytest.mark.parametrize("name", sorted(SPACES))
def test_reset_and_step_signatures_and_dtypes(name):
    env = hjbench.make_env(name)
    out = env.reset(seed=3)
    assert isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)
    obs = out[0]
    assert isinstance(obs, np.ndarray) and obs.dtype == np.float32 and env.observation_space.contains(obs)
    out = env.step(env.action_space.sample())
    assert isinstance(out, tuple) and len(out) == 5
    obs, reward, terminated, truncated, info = out
    assert obs.dtype == np.float32 and obs.shape == env.observation_space.shape
    assert type(reward) is float and type(terminated) is bool and type(truncated) is bool and isinstance(info, dict)
    assert env.reset()[0].dtype == np.float32  # reset without arguments
    assert env.reset(seed=None, options=None)[0].dtype == np.float32


@pytest.mark.parametrize("name", sorted(SPACES))
def test_seeding_reproduces_gymnasiums_start_states(name):
    """reset(seed=s) draws from Generator(PCG64(SeedSequence(s))); later resets continue it."""
    env = hjbench.make_env(name)
    for seed in (0, 1, 42, 2**40 + 7):
        rng = gymnasium_rng(seed)
        obs, info = env.reset(seed=seed)
        want = gymnasium_start(name, rng)
        assert np.array_equal(info["state"], want), (seed, info["state"], want)
        assert np.array_equal(obs, gymnasium_observation(name, want))
        for _ in range(3):  # unseeded resets continue the same generator
            _, info = env.reset()
            assert np.array_equal(info["state"], gymnasium_start(name, rng))


def test_gymnasiums_published_reset_examples():
    """The outputs Gymnasium's docstrings show for reset(seed=123, options=...)."""
    obs, _ = hjbench.make_env("pendulum", g=9.81).reset(seed=123, options={"x_init": PI / 2, "y_init": 0.5})
    assert np.array_equal(obs, np.float32([0.8403459, 0.54205054, -0.44617897]))
    obs, _ = hjbench.make_env("mountain_car").reset(seed=123, options={"low": -0.7, "high": -0.5})
    assert np.array_equal(obs, np.float32([-0.5635296, 0.0]))
    obs, _ = hjbench.make_env("acrobot").reset(seed=123, options={"low": -0.2, "high": 0.2})
    assert np.array_equal(obs, np.float32([0.997341, 0.07287608, 0.9841162, -0.17752565, -0.11185605, -0.12625128]))


def test_reset_options_are_checked():
    env = hjbench.make_env("pendulum")
    with pytest.raises(ValueError, match="unknown reset option.*'low'"):
        env.reset(options={"low": 0.0})
    with pytest.raises(ValueError, match="'low' .* must not exceed 'high'"):
        hjbench.make_env("acrobot").reset(options={"low": 0.2, "high": 0.1})
    with pytest.raises(TypeError, match="x_init"):
        env.reset(options={"x_init": "wide"})
    with pytest.raises(ValueError, match="seed must be a non-negative"):
        env.reset(seed=-1)
    with pytest.raises(TypeError, match="seed must be"):
        env.reset(seed=1.5)
    obs, info = env.reset(options={"state": [0.5, -0.25]})
    assert np.array_equal(info["state"], [0.5, -0.25]) and np.array_equal(obs, np.float32([math.cos(0.5), math.sin(0.5), -0.25]))
    with pytest.raises(ValueError, match="'state' must be 2 finite numbers"):
        env.reset(options={"state": [0.5, float("nan")]})


def test_step_before_reset_is_refused():
    for name in SPACES:
        with pytest.raises(RuntimeError, match="reset"):
            hjbench.make_env(name).step(hjbench.make_env(name).action_space.sample())


def test_acrobot_takes_gymnasiums_discrete_actions():
    """Index k is torque AVAIL_TORQUE[k] = (-1, 0, +1)[k]; anything else is refused (Gymnasium: an
    index into a list of 3; hjbench also refuses negative indices, which Python would wrap)."""
    start = [0.05, -0.02, 0.01, 0.03]
    torques = []
    for k in (0, 1, 2, np.int64(2), np.array(1)):
        env = hjbench.make_env("acrobot")
        env.reset(options={"state": start})
        _, reward, _, _, info = env.step(k)
        torques.append(info["state"][3])
        assert reward == -1.0
    assert torques[0] < torques[1] < torques[2] and torques[2] == torques[3] and torques[4] == torques[1]
    env = hjbench.make_env("acrobot")
    env.reset(seed=0)
    for bad, error in ((3, ValueError), (-1, ValueError), (5, ValueError), (1.0, TypeError), (True, TypeError),
                       ("1", TypeError), (None, TypeError), (np.array([1, 2]), TypeError)):
        with pytest.raises(error):
            env.step(bad)


def test_continuous_actions_are_validated_and_clipped_where_gymnasium_clips():
    env = hjbench.make_env("pendulum")
    for bad, error in (([float("nan")], ValueError), ([float("inf")], ValueError), ([1.0, 2.0], ValueError),
                       (0.5, ValueError), ("up", TypeError), (None, TypeError), (np.array([True]), TypeError)):
        env.reset(seed=0)
        with pytest.raises(error):
            env.step(bad)
    # Pendulum clips the torque to [-2, 2] before the step and the cost (Gymnasium: np.clip(u, -2, 2)).
    a, b = hjbench.make_env("pendulum"), hjbench.make_env("pendulum")
    a.reset(seed=5), b.reset(seed=5)
    assert a.step(np.array([7.0]))[1:] [0] == b.step(np.float32([2.0]))[1] and np.array_equal(a.state, b.state)
    # MountainCarContinuous clips the force but charges the unclipped action: -0.1 a^2.
    m = hjbench.make_env("mountain_car")
    m.reset(seed=1)
    assert m.step([3.0])[1] == pytest.approx(-0.1 * 9.0, abs=1e-15)


def test_make_env_checks_its_arguments():
    with pytest.raises(ValueError, match="dt"):
        hjbench.make_env("acrobot", dt=1e300)
    with pytest.raises(TypeError, match="parameter g must be a number"):
        hjbench.make_env("pendulum", g="ten")
    with pytest.raises(ValueError, match="finite"):
        hjbench.make_env("pendulum", g=float("nan"))
    with pytest.raises(TypeError, match="name must be a str"):
        hjbench.make_env(3)
    with pytest.raises(ValueError):
        hjbench.make_env("no_such_problem")


def test_paths_types_and_nul(tmp_path):
    import pathlib
    subprocess.run([HJBENCH, "solve", "--problem.name", "lqr_mdp", "--solve.algorithm", "policy_iteration",
                    "--grid.shape", "21,21", "--output.file", str(tmp_path / "t.h5"), "--output.quiet"], check=True)
    t = hjbench.Table(pathlib.Path(tmp_path / "t.h5"))  # os.PathLike
    assert t.problem == "lqr_mdp"
    with pytest.raises(ValueError, match="NUL"):
        hjbench.Table(str(tmp_path / "t.h5") + "\0junk")
    with pytest.raises(TypeError, match="path"):
        hjbench.Table(None)
    with pytest.raises(TypeError, match="starts must be an int"):
        hjbench.evaluate(t, lambda o: [0.0], starts="10")
    with pytest.raises(TypeError, match="table must be an hjbench.Table"):
        hjbench.evaluate(str(tmp_path / "t.h5"), lambda o: [0.0])
    with pytest.raises(ValueError, match="confidence"):
        hjbench.evaluate(t, lambda o: [0.0], confidence=1.5)


def test_evaluate_takes_acrobot_actions_as_gymnasium_indices():
    """A torque-valued 'policy' (the 10 sign(omega2) that scored above the optimum) is refused: an
    Acrobot policy returns Gymnasium's action index."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "a.h5")
        subprocess.run([HJBENCH, "solve", "--problem.name", "acrobot", "--solve.algorithm", "value_iteration",
                        "--grid.shape", "9,9,9,9", "--stationary.actions", "3", "--output.file", path,
                        "--output.quiet"], check=True)
        table = hjbench.Table(path)
        with pytest.raises(TypeError, match="integer index"):
            hjbench.evaluate(table, lambda o: [10.0 * np.sign(o[5])], starts=2, domain_points=0, slice=0)
        s = hjbench.evaluate(table, lambda o: 2 if o[5] >= 0 else 0, starts=2, domain_points=0, slice=0,
                             bootstrap=0)
        assert len(s["per_start"]["x0"]) == 2


THREADS = textwrap.dedent("""
    import sys, threading
    import hjbench   # numpy is not imported by this script before the threads start
    table = hjbench.Table(sys.argv[1])
    barrier = threading.Barrier(8)
    results, errors = [None] * 8, []
    def work(i):
        try:
            barrier.wait()
            v = table.value([0.1 * i, 0.0])                    # first use overlapping in 8 threads
            many = table.value([[0.01 * k, 0.1] for k in range(500)])   # releases the GIL
            env = hjbench.make_env("pendulum")
            env.reset(seed=i)
            for _ in range(50):
                env.step([0.0])
            t2 = hjbench.Table(sys.argv[1])                    # HDF5 reads from 8 threads
            results[i] = (v, float(many.sum()), t2.value([0.1 * i, 0.0]))
        except Exception as e:
            errors.append(repr(e))
    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads: t.start()
    for t in threads: t.join(60)
    assert not any(t.is_alive() for t in threads), "threads still running: deadlock"
    assert not errors, errors
    assert all(r[0] == r[2] for r in results) and len({r[1] for r in results}) == 1
    print("ok", len(results))
""")


def test_threads_first_use_overlapping(tmp_path):
    subprocess.run([HJBENCH, "solve", "--problem.name", "pendulum", "--solve.algorithm", "policy_iteration",
                    "--grid.shape", "41,41", "--output.file", str(tmp_path / "v.h5"), "--output.quiet"], check=True)
    script = tmp_path / "threads.py"
    script.write_text(THREADS)
    for attempt in range(5):  # fresh interpreters: the first use happens in the threads each time
        r = subprocess.run([sys.executable, str(script), str(tmp_path / "v.h5")], capture_output=True, text=True,
                           timeout=120, env={**os.environ})
        assert r.returncode == 0 and r.stdout.strip() == "ok 8", (r.stdout, r.stderr)
