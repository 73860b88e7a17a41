"""The LQ MDP (problem lqr_mdp) against its closed form: the tables converge to the discrete-time
discounted Riccati value, and a learned policy's critic and policy errors measured against the exact
solution agree with those measured against a grid table within the table's own error.
"""
import math
import os
import subprocess

import numpy as np
import pytest

import hjbench

HJBENCH = os.environ.get("HJBENCH", "build/hjbench")


def riccati(d, dt, r, gamma):
    """P and K of x' = F x + g u, cost dt (|x|^2 + r u^2), discount gamma (value iteration on P)."""
    F = np.eye(d) + dt * np.eye(d, k=1)
    g = np.zeros((d, 1))
    g[-1, 0] = dt
    P = np.zeros((d, d))
    for _ in range(200000):
        S = dt * r + gamma * (g.T @ P @ g)
        Pn = dt * np.eye(d) + gamma * F.T @ P @ F - gamma ** 2 * F.T @ P @ g @ np.linalg.solve(S, g.T @ P @ F)
        if np.abs(Pn - P).max() < 1e-14:
            return Pn, gamma * np.linalg.solve(dt * r + gamma * (g.T @ Pn @ g), g.T @ Pn @ F)
        P = Pn
    raise AssertionError("the Riccati iteration did not converge")


@pytest.fixture(scope="module")
def lqr(tmp_path_factory):
    d = tmp_path_factory.mktemp("lqr")
    run = lambda *a: subprocess.run([HJBENCH, *a], check=True, capture_output=True, text=True)
    for n in (41, 81, 161):
        run("solve", "--problem.name", "lqr_mdp", "--solve.algorithm", "policy_iteration", "--grid.shape", f"{n},{n}",
            "--stationary.actions", "101", "--output.file", str(d / f"t{n}.h5"), "--output.quiet")
    run("train", "--algo", "ppo", "--problem", "lqr_mdp", "--dim", "2", "--steps", "300000", "--ppo.gamma", "0.99",
        "--output", str(d / "ppo.h5"), "--evaluate.episodes", "0")
    return d


def start_box_points(n, d, seed):
    return np.random.default_rng(seed).uniform(-1, 1, (n, d))


def test_tables_converge_to_the_riccati_value(lqr):
    env = hjbench.make_env("lqr_mdp", dim=2)
    p = env.parameters
    P, _ = riccati(2, p["dt"], p["r"], env.discount)
    x = start_box_points(2000, 2, 1)
    exact = np.einsum("ni,ij,nj->n", x, P, x)
    errors = [np.abs(hjbench.Table(str(lqr / f"t{n}.h5")).value(x) - exact).max() for n in (41, 81, 161)]
    orders = [math.log2(errors[i] / errors[i + 1]) for i in range(2)]
    print(f"\n  lqr_mdp 2-D: max |V - x'Px| on [-1, 1]^2 at 41^2, 81^2, 161^2: {errors}, observed orders {orders}")
    assert errors[1] < 0.1 and errors[2] < 0.04 and min(orders) > 0.8


def test_critic_and_policy_errors_agree_with_the_exact_ones_within_the_table_error(lqr):
    env = hjbench.make_env("lqr_mdp", dim=2)
    p = env.parameters
    P, K = riccati(2, p["dt"], p["r"], env.discount)
    table = hjbench.Table(str(lqr / "t81.h5"))
    policy = hjbench.load_policy(str(lqr / "ppo.h5"))
    x = start_box_points(2000, 2, 2)
    exact_v = np.einsum("ni,ij,nj->n", x, P, x)
    exact_u = np.clip(-(x @ K.T)[:, 0], -p["max_action"], p["max_action"])
    critic = -np.array([policy.critic(list(s)) for s in x])  # V = -return
    action = np.array([policy(list(s))[0] for s in x])
    table_v, table_u = table.value(x), table.feedback(x)[:, 0]
    norms = lambda e: (np.abs(e).mean(), np.sqrt((e ** 2).mean()), np.abs(e).max())
    rows = {"critic vs exact": norms(critic - exact_v), "critic vs table": norms(critic - table_v),
            "table vs exact (V)": norms(table_v - exact_v), "policy vs exact": norms(action - exact_u),
            "policy vs table": norms(action - table_u), "table vs exact (u)": norms(table_u - exact_u)}
    print()
    for k, (l1, l2, linf) in rows.items():
        print(f"  {k:20s} L1 {l1:.4f}  L2 {l2:.4f}  Linf {linf:.4f}")
    # |error vs exact - error vs table| <= the table's own error holds for any norm (triangle
    # inequality), so it is printed, not asserted. What can fail: the table's error must be small next
    # to the learned errors (at most a quarter in L1 and L2), so that both references tell the same
    # story, and below 2 % of V*'s range on the start box.
    for what in ("critic", "policy"):
        a, b, t = rows[f"{what} vs exact"], rows[f"{what} vs table"], rows[f"table vs exact ({'V' if what == 'critic' else 'u'})"]
        for i in range(2):
            assert t[i] <= 0.25 * a[i], (what, i, t[i], a[i])
            assert abs(a[i] - b[i]) <= 0.25 * a[i], (what, i, a[i], b[i])
    assert rows["table vs exact (V)"][2] < 0.02 * exact_v.max()
    # evaluate through the module gives the same critic error over the start box as computed here.
    s = hjbench.evaluate(table, policy, starts=20, domain_points=0, slice=0)
    assert s["critic_kind"] == "state_value" and abs(s["gap_cost"]["mean"]) < 1.0
