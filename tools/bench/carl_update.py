#!/usr/bin/python3
"""Times one PPO minibatch update of CaRL's policy network in PyTorch (CPU): the peer that
`controlrl bench ppo-update` is compared against (tools/bench/carl_update.sh runs both).

The network is CaRL's PPOPolicy with the roach_ln2 image encoder and rl_config.py's defaults (Jaeger et al. 2025;
autonomousvision/CaRL team_code_roach/cnn_model.py, distributions.py, rl_config.py), built here from its layer list:
BEV convs 5x5/2 8-16-24-32, 3x3/2 64, 3x3/1 128, 3x3/1 256, each + LayerNorm over (C, H, W) + ReLU; measurements MLP
256, 256; Linear 512 and Linear 256 (+ LayerNorm + ReLU) on the concatenation; policy head 256, 256 into two
Linear(256, 2) for the Beta's a, b = softplus + 1; value head 256, 256 on features + value measurements, Linear 1.
Conv init as CaRL (Xavier-uniform, ReLU gain, bias 0.1). Smaller rasters start with fewer 5x5/2 convs (CaRL's last
channel counts) so the map is 13x13 before the 3x3 convs, as ControlRL's CaRLBevCnn does.

The step is CaRL's dd_ppo.py minibatch step on the same input pipeline as ControlRL: uint8 [B, H, W, 10] BEV
permuted to NCHW and scaled by 1/255 in the graph, Beta log-prob and entropy of actions in [-1, 1], clipped surrogate
(clip 0.1), clipped value loss, entropy 0.01, value 0.5, backward, clip_grad_norm_(0.5), Adam(lr 2.5e-4, eps 1e-5).
Prints one JSON object (with --count: the parameter count and nothing is timed)."""
import argparse
import json
import math
import time

import torch
import torch.nn as nn

STEM = [8, 16, 24, 32]


def conv_out(n, k, s):
    return (n - k) // s + 1


def stem_layers(size):
    for k in range(1, len(STEM) + 1):
        n = size
        for _ in range(k):
            n = conv_out(n, 5, 2)
        if n == 13:
            return k
    raise SystemExit(f"size {size} does not come to 13x13 through 5x5/2 convs (use e.g. 64, 128, 256)")


def ln_mlp(inputs, widths):
    layers = []
    for w in widths:
        layers += [nn.Linear(inputs, w), nn.LayerNorm(w), nn.ReLU()]
        inputs = w
    return nn.Sequential(*layers)


class CaRLPolicy(nn.Module):
    def __init__(self, size, channels=10, measurements=8, value_measurements=10, actions=2):
        super().__init__()
        convs, c, n = [], channels, size
        for out, k, s in [(o, 5, 2) for o in STEM[-stem_layers(size):]] + [(64, 3, 2), (128, 3, 1), (256, 3, 1)]:
            n = conv_out(n, k, s)
            convs += [nn.Conv2d(c, out, k, stride=s), nn.LayerNorm((out, n, n)), nn.ReLU()]
            c = out
        self.cnn = nn.Sequential(*convs)
        for m in self.cnn:
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight, gain=nn.init.calculate_gain("relu"))
                nn.init.constant_(m.bias, 0.1)
        self.state_linear = ln_mlp(measurements, [256, 256])
        self.linear = ln_mlp(c * n * n + 256, [512, 256])
        self.policy_head = ln_mlp(256, [256, 256])
        self.dist_mu = nn.Linear(256, actions)
        self.dist_sigma = nn.Linear(256, actions)
        self.value_head = nn.Sequential(ln_mlp(256 + value_measurements, [256, 256]), nn.Linear(256, 1))

    def evaluate(self, bev, meas, vmeas, action):
        x = bev.permute(0, 3, 1, 2).float() / 255.0
        features = self.linear(torch.cat((self.cnn(x).flatten(1), self.state_linear(meas)), 1))
        latent = self.policy_head(features)
        a = nn.functional.softplus(self.dist_mu(latent)) + 1.0
        b = nn.functional.softplus(self.dist_sigma(latent)) + 1.0
        dist = torch.distributions.Beta(a, b)
        u = ((action + 1) / 2).clamp(1e-6, 1 - 1e-6)  # actions in [-1, 1] -> (0, 1)
        logp = (dist.log_prob(u) - math.log(2)).sum(-1)
        ent = (dist.entropy() + math.log(2)).sum(-1)
        value = self.value_head(torch.cat((features, vmeas), 1)).squeeze(-1)
        return logp, ent, value


def trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--minibatch", type=int, default=16384)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--value-measurements", type=int, default=10)
    p.add_argument("--count", action="store_true", help="print the trainable parameter count and exit")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = CaRLPolicy(args.size, value_measurements=args.value_measurements)
    if args.count:
        print(json.dumps({"size": args.size, "value_measurements": args.value_measurements, "parameters": trainable(model),
                          "version": torch.__version__}))
        return
    n = args.minibatch
    opt = torch.optim.Adam(model.parameters(), lr=2.5e-4, eps=1e-5)
    bev = torch.randint(0, 256, (n, args.size, args.size, 10), dtype=torch.uint8)
    meas = torch.randn(n, 8)
    vmeas = torch.randn(n, args.value_measurements)
    act = torch.rand(n, 2) * 1.8 - 0.9
    old_logp = torch.randn(n) - 1
    old_value = torch.randn(n)
    adv = torch.randn(n)
    ret = torch.randn(n)

    def step():
        logp, ent, value = model.evaluate(bev, meas, vmeas, act)
        ratio = (logp - old_logp).exp()
        pg = torch.max(-adv * ratio, -adv * ratio.clamp(0.9, 1.1)).mean()
        v_clipped = old_value + (value - old_value).clamp(-0.1, 0.1)
        v_loss = 0.5 * torch.max((value - ret) ** 2, (v_clipped - ret) ** 2).mean()
        loss = pg - 0.01 * ent.mean() + 0.5 * v_loss
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    seconds = sum(times)
    print(json.dumps({
        "framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
        "size": args.size, "minibatch": n, "steps": args.steps, "seconds": seconds,
        "parameters": trainable(model), "samples_per_second": n * args.steps / seconds,
        "step_seconds": times,
    }))


if __name__ == "__main__":
    main()
