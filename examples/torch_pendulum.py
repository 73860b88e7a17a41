#!/usr/bin/env python3
"""A PyTorch client of hjbench: PPO trained on hjbench's Gymnasium Pendulum-v1, scored against the optimum.

Everything a Gymnasium user would write, with hjbench in two places only: the environments come
from `hjbench.make_env` (Gymnasium's API and dynamics, float32 observations, seeded starts) and the
score from `hjbench.evaluate` against a value table solved for the same MDP.

    PYTHONPATH=build/python python3 examples/torch_pendulum.py [--steps 200000] [--table T.h5]

Needs PyTorch (Debian: python3-torch; `scripts/install_deps.sh --with-torch`). Without --table it
solves a 201x201 policy-iteration table first (build/hjbench, about 10 s). Prints the learning curve
and the gap J - V* of the trained policy's discounted cost to the table's V* (with its CI), next to
the untrained policy's, and says whether the gap is within the table's own error.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn

import hjbench


class ActorCritic(nn.Module):
    def __init__(self, obs_dim, act_dim, hidden=64):
        super().__init__()
        self.actor = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                   nn.Linear(hidden, act_dim))
        self.critic = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                    nn.Linear(hidden, 1))
        self.log_std = nn.Parameter(torch.zeros(act_dim))

    def distribution(self, obs):
        return torch.distributions.Normal(self.actor(obs), self.log_std.exp())


def train(steps, seed, envs=8, rollout=256, epochs=10, minibatch=256, gamma=0.97, lam=0.95, clip=0.2, lr=1e-3):
    """Plain PPO (clipped objective, GAE, rewards scaled by 1/10) on `envs` hjbench environments."""
    torch.manual_seed(seed)
    env = [hjbench.make_env("pendulum") for _ in range(envs)]
    space = env[0].action_space
    low, high = torch.as_tensor(space.low), torch.as_tensor(space.high)
    model = ActorCritic(env[0].observation_space.shape[0], space.shape[0])
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    obs = torch.as_tensor(np.stack([e.reset(seed=seed * 1000 + i)[0] for i, e in enumerate(env)]))
    returns, running = [], np.zeros(envs)
    updates = max(1, steps // (envs * rollout))
    for update in range(updates):
        for group in optimiser.param_groups:  # learning rate annealed linearly to 0
            group["lr"] = lr * (1.0 - update / updates)
        O, A, L, R, V, D = [], [], [], [], [], []
        with torch.no_grad():
            for _ in range(rollout):
                dist = model.distribution(obs)
                a = dist.sample()
                O.append(obs), A.append(a), L.append(dist.log_prob(a).sum(-1)), V.append(model.critic(obs)[:, 0])
                step = [e.step(torch.clamp(a[i], low, high).numpy()) for i, e in enumerate(env)]
                reward = np.array([s[1] for s in step])
                running += reward
                done = np.array([s[2] or s[3] for s in step])
                # Pendulum never terminates: a truncated episode bootstraps from its last observation.
                last = torch.as_tensor(np.stack([s[0] for s in step]))
                R.append(torch.as_tensor(reward / 10.0, dtype=torch.float32)
                         + gamma * torch.as_tensor(done, dtype=torch.float32) * model.critic(last)[:, 0])
                D.append(torch.as_tensor(done, dtype=torch.float32))
                for i in np.flatnonzero(done):
                    returns.append(running[i])
                    running[i] = 0.0
                    step[i] = (env[i].reset()[0],) + step[i][1:]
                obs = torch.as_tensor(np.stack([s[0] for s in step]))
            advantages, gae = torch.zeros(rollout, envs), torch.zeros(envs)
            next_value = model.critic(obs)[:, 0]
            for t in reversed(range(rollout)):
                delta = R[t] + gamma * (1 - D[t]) * next_value - V[t]
                gae = delta + gamma * lam * (1 - D[t]) * gae
                advantages[t], next_value = gae, V[t]
            targets = advantages + torch.stack(V)
        O, A, L = torch.cat(O), torch.cat(A), torch.cat(L)
        adv, targets = advantages.reshape(-1), targets.reshape(-1)
        for _ in range(epochs):
            for idx in torch.randperm(len(O)).split(minibatch):
                dist = model.distribution(O[idx])
                ratio = (dist.log_prob(A[idx]).sum(-1) - L[idx]).exp()
                a_n = (adv[idx] - adv[idx].mean()) / (adv[idx].std() + 1e-8)
                policy_loss = -torch.min(ratio * a_n, ratio.clamp(1 - clip, 1 + clip) * a_n).mean()
                value_loss = 0.5 * (model.critic(O[idx])[:, 0] - targets[idx]).pow(2).mean()
                optimiser.zero_grad()
                (policy_loss + value_loss).backward()
                nn.utils.clip_grad_norm_(model.parameters(), 0.5)
                optimiser.step()
        if returns and (update % 10 == 9 or update == updates - 1):
            print(f"steps {(update + 1) * envs * rollout:8d}  mean return of the last 20 episodes "
                  f"{np.mean(returns[-20:]):9.2f}", flush=True)
    return model


def deterministic(model):
    def act(observation):
        with torch.no_grad():
            return model.actor(torch.as_tensor(observation, dtype=torch.float32)).clamp(-2.0, 2.0).numpy()
    return act


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200000, help="environment steps of training")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--starts", type=int, default=100, help="evaluation starts")
    parser.add_argument("--table", help="a stationary Pendulum table (default: solve a 201x201 one)")
    parser.add_argument("--hjbench", default=os.environ.get("HJBENCH", "build/hjbench"))
    parser.add_argument("--require-improvement", action="store_true",
                        help="exit 1 unless the trained policy's gap CI lies below the untrained one's (the test)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as work:
        table_path = args.table
        if table_path is None:
            table_path = os.path.join(work, "pendulum.h5")
            subprocess.run([args.hjbench, "solve", "--problem.name", "pendulum", "--solve.algorithm",
                            "policy_iteration", "--grid.shape", "201,201", "--output.file", table_path,
                            "--output.quiet"], check=True)
        table = hjbench.Table(table_path)
        torch.manual_seed(args.seed)
        untrained = ActorCritic(3, 1)
        start = time.perf_counter()
        model = train(args.steps, args.seed)
        wall = time.perf_counter() - start
        before = hjbench.evaluate(table, deterministic(untrained), starts=args.starts, domain_points=0, slice=0)
        after = hjbench.evaluate(table, deterministic(model), starts=args.starts, domain_points=0, slice=0)
    for label, s in (("untrained", before), (f"PPO {args.steps} steps ({wall:.0f} s)", after)):
        g = s["gap_cost"]
        print(f"{label}: gap J - V* of the discounted cost {g['mean']:.3f}, {100 * g['confidence']:.0f}% CI "
              f"[{g['ci_low']:.3f}, {g['ci_high']:.3f}] over {args.starts} starts")
    print(after["warning"] or "the gap is larger than the table's own error "
          f"({after['reference_error']:.3f}): the table resolves it")
    if args.require_improvement and not after["gap_cost"]["ci_high"] < before["gap_cost"]["ci_low"]:
        print("the trained policy is not better than the untrained one", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
