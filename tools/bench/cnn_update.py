#!/usr/bin/python3
"""Times one PPO minibatch update of a Nature-CNN actor-critic in PyTorch (CPU), the reference that
`controlrl bench cnn` compares TorchSharp against. Same network, loss and optimizer step as the C# side:
uint8 [B,64,64,4] frames permuted and scaled by 1/255 in the graph, Nature CNN (Mnih et al. 2015, as in
CleanRL's ppo_atari.py), a Gaussian or Beta head over 3 actions in [-1, 1], PPO clipped loss + value loss
- entropy bonus, backward, clip_grad_norm_(0.5), Adam. Prints one JSON object."""
import argparse
import json
import math
import time

import torch
import torch.nn as nn


def layer_init(layer, gain=math.sqrt(2)):
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


class Agent(nn.Module):
    def __init__(self, channels, actions, head):
        super().__init__()
        self.trunk = nn.Sequential(
            layer_init(nn.Conv2d(channels, 32, 8, stride=4)), nn.ReLU(),
            layer_init(nn.Conv2d(32, 64, 4, stride=2)), nn.ReLU(),
            layer_init(nn.Conv2d(64, 64, 3, stride=1)), nn.ReLU(),
            nn.Flatten(),
            layer_init(nn.Linear(64 * 4 * 4, 512)), nn.ReLU(),
        )
        self.head = head
        self.actor = layer_init(nn.Linear(512, actions * (2 if head == "beta" else 1)), 0.01)
        self.critic = layer_init(nn.Linear(512, 1), 1.0)
        if head == "gaussian":
            self.logstd = nn.Parameter(torch.zeros(1, actions))

    def evaluate(self, obs, action):
        x = obs.permute(0, 3, 1, 2).float() / 255.0
        h = self.trunk(x)
        out = self.actor(h)
        if self.head == "beta":
            ab = nn.functional.softplus(out) + 1
            a, b = ab.chunk(2, -1)
            dist = torch.distributions.Beta(a, b)
            u = ((action + 1) / 2).clamp(1e-6, 1 - 1e-6)
            logp = (dist.log_prob(u) - math.log(2)).sum(-1)
            ent = (dist.entropy() + math.log(2)).sum(-1)
        else:
            dist = torch.distributions.Normal(out, self.logstd.expand_as(out).exp())
            logp = dist.log_prob(action).sum(-1)
            ent = dist.entropy().sum(-1)
        return logp, ent, self.critic(h).squeeze(-1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--head", choices=["gaussian", "beta"], default="gaussian")
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--channels", type=int, default=4)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    n, actions = args.batch, 3
    agent = Agent(args.channels, actions, args.head)
    opt = torch.optim.Adam(agent.parameters(), lr=2.5e-4, eps=1e-5)
    obs = torch.randint(0, 256, (n, args.size, args.size, args.channels), dtype=torch.uint8)
    act = torch.rand(n, actions) * 1.8 - 0.9
    old_logp = torch.randn(n) - 3
    adv = torch.randn(n)
    ret = torch.randn(n)

    def step():
        logp, ent, value = agent.evaluate(obs, act)
        ratio = (logp - old_logp).exp()
        pg = torch.max(-adv * ratio, -adv * ratio.clamp(0.8, 1.2)).mean()
        v_loss = 0.5 * ((value - ret) ** 2).mean()
        loss = pg - 0.01 * ent.mean() + 0.5 * v_loss
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(agent.parameters(), 0.5)
        opt.step()

    for _ in range(args.warmup):
        step()
    t = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = time.perf_counter() - t
    print(json.dumps({
        "framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
        "batch": n, "steps": args.steps, "head": args.head, "seconds": seconds,
        "samples_per_second": n * args.steps / seconds,
    }))


if __name__ == "__main__":
    main()
