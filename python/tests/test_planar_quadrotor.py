"""The planar quadrotor environment (problems/planar_quadrotor.hpp) against an independent NumPy step
written from its documented equations: thrusts u_i = m g / 2 (1 + a_i) with a clipped to [-1, 1],
semi-implicit Euler with the rates clipped (speeds 3, pitch rate 6), walls at +-2 that stop the
motion, the angle wrapped; cost x^2 + z^2 + 0.1 (vx^2 + vz^2) + 0.2 (1 - cos th) + 0.01 w^2 + 0.01 |a|^2;
100 steps; starts uniform on x, z in [-1, 1], th in [-0.2, 0.2], the rates 0.
"""
import numpy as np
import pytest

import hjbench

M, G, ARM, INERTIA, DT = 1.0, 9.8, 0.25, 0.125, 0.05


def reference_step(s, a):
    x, z, th, vx, vz, w = s
    a = np.clip(a, -1.0, 1.0)
    u = M * G / 2 * (1 + a)
    vx = float(np.clip(vx + DT * (-(u[0] + u[1]) * np.sin(th) / M), -3, 3))
    vz = float(np.clip(vz + DT * ((u[0] + u[1]) * np.cos(th) / M - G), -3, 3))
    x, z = x + DT * vx, z + DT * vz
    if abs(x) > 2:
        x, vx = float(np.clip(x, -2, 2)), 0.0
    if abs(z) > 2:
        z, vz = float(np.clip(z, -2, 2)), 0.0
    w = float(np.clip(w + DT * ARM * (u[0] - u[1]) / INERTIA, -6, 6))
    th = (th + DT * w + np.pi) % (2 * np.pi) - np.pi
    reward = -(s[0] ** 2 + s[1] ** 2 + 0.1 * (s[3] ** 2 + s[4] ** 2) + 0.2 * (1 - np.cos(s[2])) + 0.01 * s[5] ** 2
               + 0.01 * float(a @ a))
    return np.array([x, z, th, vx, vz, w]), reward


def test_spaces_start_draw_and_limit():
    env = hjbench.make_env("planar_quadrotor")
    assert env.observation_space.shape == (7,) and env.action_space.shape == (2,)
    assert np.array_equal(env.observation_space.high, np.float32([2, 2, 1, 1, 3, 3, 6]))
    assert env.episode_limit == 100
    _, info = env.reset(seed=11)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(11)))
    want = np.zeros(6)
    want[:3] = rng.uniform(low=[-1, -1, -0.2], high=[1, 1, 0.2])
    assert np.array_equal(info["state"], want)


def test_steps_follow_the_reference_walls_and_truncation():
    env = hjbench.make_env("planar_quadrotor")
    rng = np.random.default_rng(3)
    worst, walls = 0.0, 0
    for episode in range(20):
        _, info = env.reset(seed=episode)
        s = np.array(info["state"])
        for k in range(100):
            a = rng.uniform(-1.3, 1.3, size=2)
            obs, reward, terminated, truncated, info = env.step(a.astype(np.float32))
            want, want_reward = reference_step(s, a.astype(np.float32).astype(np.float64))
            got = np.array(info["state"])
            d = np.abs(got - want)
            d[2] = min(d[2], 2 * np.pi - d[2])
            worst = max(worst, float(d.max()))
            walls += abs(got[0]) == 2.0 or abs(got[1]) == 2.0
            assert reward == pytest.approx(want_reward, abs=1e-12)
            assert np.allclose(obs, np.float32([got[0], got[1], np.cos(got[2]), np.sin(got[2]), *got[3:]]), atol=1e-6)
            assert not terminated and truncated == (k == 99)
            s = got
    assert worst < 1e-12 and walls > 0, (worst, walls)  # random thrusts do reach the walls
