"""The `hjbench` Python module against independent computations and the command line tool.

Run by ctest (python_module) with PYTHONPATH=build/python and HJBENCH=build/hjbench:
    PYTHONPATH=build/python HJBENCH=build/hjbench python3 -m pytest -q python/tests
"""
import json
import math
import os
import subprocess

import h5py
import numpy as np
import pytest

import hjbench

HJBENCH = os.environ.get("HJBENCH", "build/hjbench")


@pytest.fixture(scope="session")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hjbench")
    run = lambda *a: subprocess.run([HJBENCH, *a], check=True, capture_output=True, text=True)
    run("solve", "--problem.name", "pendulum", "--solve.algorithm", "policy_iteration", "--grid.shape", "101,101",
        "--output.file", str(d / "v.h5"), "--output.quiet")
    run("train", "--algo", "ppo", "--steps", "8192", "--output", str(d / "p.h5"), "--evaluate.episodes", "0")
    run("evaluate", "--table", str(d / "v.h5"), "--policy", str(d / "p.h5"), "--starts", "40",
        "--output.json", str(d / "cli.json"))
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
    assert np.array_equal(obs, obs2) and info["state"] == info2["state"]  # seeded
    th, om = info["state"]
    assert np.allclose(obs, [math.cos(th), math.sin(th), om])
    g, m, l, dt = 10.0, 1.0, 1.0, 0.05  # Gymnasium 0.29 Pendulum-v1, written out here
    u = 0.7
    cost = (((th + math.pi) % (2 * math.pi)) - math.pi) ** 2 + 0.1 * om ** 2 + 0.001 * u ** 2
    new_om = np.clip(om + (3 * g / (2 * l) * math.sin(th) + 3.0 / (m * l ** 2) * u) * dt, -8, 8)
    new_th = th + new_om * dt
    obs, reward, terminated, truncated, info = env.step([u])
    assert reward == pytest.approx(-cost, abs=1e-12) and not terminated and not truncated
    assert info["state"] == pytest.approx([new_th, new_om], abs=1e-12)
    steps = 1
    while not truncated:
        _, _, terminated, truncated, _ = env.step(np.array([0.0]))
        steps += 1
    assert steps == env.episode_limit == 200 and env.discount == pytest.approx(0.99)
    with pytest.raises(ValueError):
        env.step([1.0, 2.0])
    with pytest.raises(ValueError):
        hjbench.make_env("no_such_problem")


def test_gap_matches_the_command_line(files):
    cli = json.load(open(files / "cli.json"))
    t = hjbench.Table(str(files / "v.h5"))
    p = hjbench.load_policy(str(files / "p.h5"))
    for policy in (p, lambda obs: p(obs)):  # the loaded policy, and the same one as a Python callable
        s = hjbench.evaluate(t, policy, starts=40)
        for key in ("gap_cost", "gap_certified_lower_bound", "gap_return", "table_feedback_gap"):
            for stat in ("mean", "standard_error", "median", "worst", "ci_low", "ci_high"):
                assert s[key][stat] == pytest.approx(cli[key][stat], rel=1e-6, abs=1e-9), (key, stat)
        assert s["per_start"]["x0"] == cli["per_start"]["x0"]


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


def test_sparse_tables_read_like_their_tensor_sampling(tmp_path):
    """A sparse table through the module equals `hjbench sample` of it onto a tensor grid (read by
    h5py) at that grid's nodes: the same interpolant, reached by two code paths."""
    run = lambda *a: subprocess.run([HJBENCH, *a], check=True, capture_output=True, text=True)
    run("solve", "--problem.name", "discounted_lqr", "--grid.type", "sparse", "--grid.level", "5",
        "--grid.levels", "5,5", "--solve.algorithm", "policy_iteration", "--stationary.actions", "11",
        "--output.file", str(tmp_path / "s.h5"), "--output.quiet")
    run("sample", str(tmp_path / "s.h5"), "--grid.shape", "9,7", "--output.file", str(tmp_path / "t.h5"))
    sparse = hjbench.Table(str(tmp_path / "s.h5"))
    assert sparse.is_sparse and sparse.dimension == 2 and sparse.mode == "continuous_stationary"
    f = h5py.File(tmp_path / "t.h5")
    names = f.attrs["axes"].split(",")
    ax = [f["axes/" + n][...] for n in names]
    X = np.stack([g.reshape(-1) for g in np.meshgrid(*ax, indexing="ij")], axis=1)
    assert np.allclose(sparse.value(X), f["value/final"][...].reshape(-1), rtol=0, atol=1e-12)
    assert np.allclose(sparse.feedback(X)[:, 0], f["policy/action_0"][...].reshape(-1), rtol=0, atol=1e-12)
