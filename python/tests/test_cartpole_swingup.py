"""The cart-pole swing-up environment (problems/cartpole_swingup.hpp) against an independent NumPy step
written from Gymnasium's CartPole equations (gymnasium/envs/classic_control/cartpole.py, its
"semi-implicit euler" branch) with a continuous force and the task's rules as documented: Gymnasium's
angle theta = phi + pi (phi = 0 hanging), the cart stopped at +-2.4, speeds clipped to 5 and 10, the
cost 1 + cos phi + 0.01 x^2 + 0.01 a^2 (reward = -cost), 100 steps, starts uniform on [-0.05, 0.05]^4.
"""
import numpy as np
import pytest

import hjbench


def reference_step(s, a):
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.05
    total_mass, polemass_length = masspole + masscart, masspole * length
    x, x_dot, phi, phi_dot = s
    a = float(np.clip(a, -1.0, 1.0))
    theta, theta_dot = phi + np.pi, phi_dot
    force = force_mag * a
    costheta, sintheta = np.cos(theta), np.sin(theta)
    temp = (force + polemass_length * theta_dot**2 * sintheta) / total_mass
    thetaacc = (gravity * sintheta - costheta * temp) / (length * (4.0 / 3.0 - masspole * costheta**2 / total_mass))
    xacc = temp - polemass_length * thetaacc * costheta / total_mass
    x_dot = float(np.clip(x_dot + tau * xacc, -5.0, 5.0))
    x = x + tau * x_dot
    if abs(x) > 2.4:
        x, x_dot = float(np.clip(x, -2.4, 2.4)), 0.0
    theta_dot = float(np.clip(theta_dot + tau * thetaacc, -10.0, 10.0))
    phi = (phi + tau * theta_dot + np.pi) % (2 * np.pi) - np.pi
    reward = -(1.0 + np.cos(s[2]) + 0.01 * s[0] ** 2 + 0.01 * a**2)
    return np.array([x, x_dot, phi, theta_dot]), reward


def test_spaces_and_episode_limit():
    env = hjbench.make_env("cartpole_swingup")
    o, a = env.observation_space, env.action_space
    assert o.dtype == np.float32 and o.shape == (5,)
    assert np.array_equal(o.low, np.float32([-2.4, -5, -1, -1, -10]))
    assert np.array_equal(o.high, np.float32([2.4, 5, 1, 1, 10]))
    assert a.dtype == np.float32 and a.shape == (1,) and a.low[0] == -1 and a.high[0] == 1
    assert env.episode_limit == 100


def test_start_draw_is_cartpoles_reset_call():
    env = hjbench.make_env("cartpole_swingup")
    for seed in (0, 7, 2**33):
        _, info = env.reset(seed=seed)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        assert np.array_equal(info["state"], rng.uniform(low=-0.05, high=0.05, size=(4,)))


def test_steps_follow_the_reference_and_the_episode_truncates():
    env = hjbench.make_env("cartpole_swingup")
    rng = np.random.default_rng(5)
    worst = 0.0
    for episode in range(20):
        obs, info = env.reset(seed=episode)
        s = np.array(info["state"])
        for k in range(100):
            a = rng.uniform(-1.5, 1.5)  # beyond the box: clipped by the step, as the reference does
            obs, reward, terminated, truncated, info = env.step(np.array([a], dtype=np.float32))
            want, want_reward = reference_step(s, float(np.float32(a)))
            got = np.array(info["state"])
            d = np.abs(got - want)
            d[2] = min(d[2], 2 * np.pi - d[2])  # the angle modulo 2 pi
            worst = max(worst, float(d.max()))
            assert reward == pytest.approx(want_reward, abs=1e-12)
            assert np.allclose(obs, np.float32([want[0], want[1], np.cos(want[2]), np.sin(want[2]), want[3]]),
                               atol=1e-6)
            assert not terminated and truncated == (k == 99)
            s = got  # follow the environment's state (a chaotic system: errors would grow otherwise)
    assert worst < 1e-12, worst


def test_the_track_stops_the_cart():
    env = hjbench.make_env("cartpole_swingup")
    env.reset(options={"state": [2.39, 4.9, 0.0, 0.0]})
    _, _, _, _, info = env.step(np.array([1.0], dtype=np.float32))
    assert info["state"][0] == 2.4 and info["state"][1] == 0.0
