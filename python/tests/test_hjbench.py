"""The `hjbench` Python module against independent computations and the command line tool.

Run by ctest (python_module) with PYTHONPATH=build/python and HJBENCH=build/hjbench:
    PYTHONPATH=build/python HJBENCH=build/hjbench python3 -m pytest -q python/tests
"""
import json
import math
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

import hjbench

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests"))
from numpy_reference import interpolate, pendulum_step  # noqa: E402  (independent NumPy computations)

HJBENCH = os.environ.get("HJBENCH", "build/hjbench")


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hjbench")
    run = lambda *a: subprocess.run([HJBENCH, *a], check=True, capture_output=True, text=True)
    run("solve", "--problem.name", "pendulum", "--solve.algorithm", "policy_iteration", "--grid.shape", "101,101",
        "--output.file", str(d / "v.h5"), "--output.quiet")
    run("train", "--algo", "ppo", "--steps", "8192", "--output", str(d / "p.h5"), "--evaluate.episodes", "0")
    return d


def test_table_reads_node_values_and_metadata(files):
    t = hjbench.Table(str(files / "v.h5"))
    f = h5py.File(files / "v.h5")
    assert (t.problem, t.mode, t.dimension, t.axes) == ("pendulum", "stationary", 2, ["theta", "omega"])
    assert t.parameters["g"] == 10.0 and t.attributes["discount"] == pytest.approx(0.99)
    theta, omega, V = f["axes/theta"][...], f["axes/omega"][...], f["value/final"][...]
    pts = np.array([[theta[i], omega[j]] for i in (0, 7, 50, 100) for j in (0, 33, 100)])
    want = np.array([V[i, j] for i in (0, 7, 50, 100) for j in (0, 33, 100)])
    assert np.allclose(t.value(pts), want, rtol=0, atol=1e-12)  # at the nodes: the stored values
    mid = np.array([(theta[3] + theta[4]) / 2, (omega[9] + omega[10]) / 2])  # a cell centre: the mean of 4 corners
    assert t.value(mid) == pytest.approx(V[3:5, 9:11].mean(), abs=1e-12)
    u = f["policy/action_0"][...]
    assert t.feedback([theta[5], omega[6]])[0] == pytest.approx(u[5, 6], abs=1e-12)
    assert t.feedback(pts).shape == (len(pts), 1)
    with pytest.raises(ValueError):
        t.value([1.0, 2.0, 3.0])


def test_environment_follows_gymnasium_pendulum(files):
    env = hjbench.make_env("pendulum")
    obs, info = env.reset(seed=7)
    obs2, info2 = hjbench.make_env("pendulum").reset(seed=7)
    assert np.array_equal(obs, obs2) and np.array_equal(info["state"], info2["state"])  # seeded
    th, om = info["state"]
    assert obs.dtype == np.float32 and np.array_equal(obs, np.float32([math.cos(th), math.sin(th), om]))
    g, m, l, dt = 10.0, 1.0, 1.0, 0.05  # Gymnasium 0.29 Pendulum-v1, written out here
    u = 0.7
    cost = (((th + math.pi) % (2 * math.pi)) - math.pi) ** 2 + 0.1 * om ** 2 + 0.001 * u ** 2
    new_om = np.clip(om + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l ** 2) * u) * dt, -8, 8)
    new_th = th + new_om * dt
    obs, reward, terminated, truncated, info = env.step([u])
    assert reward == pytest.approx(-cost, abs=1e-12) and not terminated and not truncated
    assert info["state"].tolist() == pytest.approx([new_th, new_om], abs=1e-12)
    steps = 1
    while not truncated:
        _, _, terminated, truncated, _ = env.step(np.array([0.0]))
        steps += 1
    assert steps == env.episode_limit == 200 and env.discount == pytest.approx(0.99)
    with pytest.raises(ValueError):
        env.step([1.0, 2.0])
    with pytest.raises(ValueError):
        hjbench.make_env("no_such_problem")


def test_gap_equals_an_independent_closed_loop(files):
    """The gap J - V* that evaluate reports for a Python controller, recomputed here without the
    module: Gymnasium's Pendulum-v1 step written out in NumPy, the controller on its observation,
    discount 0.99 continued past the 200-step limit until 0.99^k < 1e-10, V* by an h5py
    interpolation of the table."""
    t = hjbench.Table(str(files / "v.h5"))

    def pd(obs):  # a plain PD law on (cos, sin, omega)
        return np.array([np.clip(-8.0 * math.atan2(obs[1], obs[0]) - 1.5 * obs[2], -2.0, 2.0)])

    s = hjbench.evaluate(t, pd, starts=6, domain_points=0, slice=0, bootstrap=0)
    x0 = s["per_start"]["x0"]
    gamma, costs = 0.99, []
    for th, om in x0:
        cost, disc, k = 0.0, 1.0, 0
        while True:
            u = float(pd(np.array([math.cos(th), math.sin(th), om]))[0])
            th, om, step_cost = pendulum_step(th, om, u)
            cost += disc * step_cost
            disc *= gamma
            k += 1
            if k >= 200 and disc < 1e-10:
                break
        costs.append(cost)
    vstar = interpolate(str(files / "v.h5"), x0)
    assert np.allclose(s["per_start"]["policy_cost"], costs, rtol=1e-9, atol=1e-9)
    assert np.allclose(s["per_start"]["optimal_value"], vstar, rtol=1e-12, atol=1e-9)
    assert s["gap_cost"]["mean"] == pytest.approx(np.mean(np.array(costs) - vstar), rel=1e-9)


class Sb3Like:
    """What Stable-Baselines3's models offer: predict(obs, deterministic=True) -> (action, state)."""

    def __init__(self, policy):
        self.policy = policy

    def predict(self, obs, deterministic=True):
        return np.asarray(self.policy(obs)).reshape(1, -1), None


def test_any_python_policy_and_critic(files):
    t = hjbench.Table(str(files / "v.h5"))
    model = Sb3Like(hjbench.load_policy(str(files / "p.h5")))
    # The critic V = -V*(state): its error against the table must vanish (observation -> state here).
    exact = lambda obs: -t.value([math.atan2(obs[1], obs[0]), obs[2]])
    s = hjbench.evaluate(t, lambda o: model.predict(o, deterministic=True), critic=exact, starts=10,
                         domain_points=200, slice=0)
    assert s["critic_kind"] == "python" and s["critic_error_domain"]["count"] == 200
    assert s["critic_error_domain"]["linf"] < 1e-9 and s["critic_error_visited"]["linf"] < 1e-9
    # A random policy: its gap is its own cost minus V*, start by start.
    rng = np.random.default_rng(3)
    r = hjbench.evaluate(t, lambda o: rng.uniform(-2, 2, 1), starts=10, domain_points=0, slice=0)
    ps = r["per_start"]
    gaps = np.array(ps["policy_cost"]) - np.array(ps["optimal_value"])
    assert r["gap_cost"]["mean"] == pytest.approx(gaps.mean(), rel=1e-12) and gaps.mean() > 50
    with pytest.raises(ValueError):
        hjbench.evaluate(t, lambda o: [1.0, 2.0], starts=2)
    with pytest.raises(RuntimeError, match="a table of problem 'pendulum', not 'acrobot'"):
        hjbench.evaluate(t, lambda o: [0.0], problem="acrobot", starts=2)


def test_evaluate_warns_when_the_gap_is_within_the_reference_error(files):
    t = hjbench.Table(str(files / "v.h5"))
    # The table's own feedback as the policy: its gap J_feedback - V* is, start by start, the table's
    # own error, so the gap's interval must reach into the reference's error and be warned about.
    own = lambda obs: t.feedback([math.atan2(obs[1], obs[0]), obs[2]])
    with pytest.warns(UserWarning, match="gap is within the reference's error"):
        s = hjbench.evaluate(t, own, starts=30, domain_points=0, slice=0)
    assert s["gap_within_reference_error"] and s["gap_cost"]["ci_low"] <= s["reference_error"]
    # A random policy is far from optimal (gap > 50): no warning.
    rng = np.random.default_rng(5)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = hjbench.evaluate(t, lambda o: rng.uniform(-2, 2, 1), starts=10, domain_points=0, slice=0)
    assert not r["gap_within_reference_error"] and r["warning"] is None


def test_sparse_tables_interpolate_their_nodes_and_converge_to_the_closed_form(tmp_path):
    """A sparse table through the module, against what does not pass through it: at the nodes (their
    coordinates computed here from /sparse/level and /sparse/index) the interpolant equals the
    stored nodal values and feedback; where the control bound is inactive it approaches the
    discounted LQR closed form V = P |x|^2, P = r (s + sqrt(s^2 + q / r)), s = a - rho / 2, and its
    error falls from level 5 to level 6 (a first-order chain: about halved)."""
    run = lambda *a: subprocess.run([HJBENCH, *a], check=True, capture_output=True, text=True)
    s = -0.5  # a = 0, rho = 1, q = r = 1
    P = s + math.sqrt(s * s + 1.0)
    X = np.random.default_rng(11).uniform(-1.0, 1.0, size=(200, 2))
    errors = []
    for level in (5, 6):
        path = tmp_path / f"s{level}.h5"
        run("solve", "--problem.name", "discounted_lqr", "--grid.type", "sparse", "--grid.level", str(level),
            "--grid.levels", f"{level},{level}", "--solve.algorithm", "policy_iteration", "--stationary.actions",
            "21", "--output.file", str(path), "--output.quiet")
        sparse = hjbench.Table(str(path))
        assert sparse.is_sparse and sparse.dimension == 2 and sparse.mode == "continuous_stationary"
        f = h5py.File(path)
        lo, hi = f["sparse/lo"][...], f["sparse/hi"][...]
        nodes = lo + (hi - lo) * f["sparse/index"][...] / np.power(2.0, f["sparse/level"][...])
        assert np.allclose(sparse.value(nodes), f["value/nodal"][...], rtol=0, atol=1e-10)
        assert np.allclose(sparse.feedback(nodes)[:, 0], f["policy/action_0"][...], rtol=0, atol=1e-10)
        error = np.abs(sparse.value(X) - P * (X**2).sum(axis=1))
        print(f"sparse level {level}: |V - P|x|^2| on [-1, 1]^2: max {error.max():.3e}, mean {error.mean():.3e}")
        errors.append(error)
    assert errors[1].mean() < 0.7 * errors[0].mean() and errors[1].max() <= 0.06


def test_evaluate_reports_the_gap_to_both_ends_of_a_bracket(files, tmp_path):
    """optimum=optimum.json (scripts/optimum.sh's keys): the gap of the policy's mean episode return to
    each end; the warning when the policy reaches the lower end (a bracket written here around the
    policy's own return, so it must appear), none for a bracket far above it."""
    t = hjbench.Table(str(files / "v.h5"))
    policy = hjbench.load_policy(str(files / "p.h5"))
    plain = hjbench.evaluate(t, policy, starts=20, domain_points=0, slice=0, bootstrap=0)
    mean = plain["policy_return"]["mean"]

    def bracket(lower, name="b.json", problem="pendulum"):
        path = tmp_path / name
        path.write_text(json.dumps({"problem": problem, "return": "episode", "lower": lower, "lower_se": 0.1,
                                    "upper": lower + 5.0, "upper_kind": "estimate"}))
        return path

    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # far below the bracket: no warning
        s = hjbench.evaluate(t, policy, starts=20, domain_points=0, slice=0, bootstrap=0,
                             optimum=bracket(mean + 500.0, "far.json"))
    b = s["bracket"]
    assert b["gap_to_lower"]["mean"] == pytest.approx(500.0) and b["gap_to_upper"]["mean"] == pytest.approx(505.0)
    assert b["warning"] is None and b["upper_kind"] == "estimate"
    with pytest.warns(UserWarning, match="gap is within the reference's error"):
        s = hjbench.evaluate(t, policy, starts=20, domain_points=0, slice=0, bootstrap=0, optimum=bracket(mean))
    assert s["bracket"]["gap_to_lower"]["mean"] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(RuntimeError, match="not 'pendulum'"):
        hjbench.evaluate(t, policy, starts=2, optimum=bracket(mean, "other.json", problem="acrobot"))
