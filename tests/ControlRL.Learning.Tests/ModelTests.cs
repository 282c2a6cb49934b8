using ControlRL.Core.Random;
using ControlRL.Models.Optim;
using ControlRL.Models.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Learning.Tests;

public class ModelTests
{
    [Fact]
    public void GaussianLogProbAndEntropyMatchClosedForm()
    {
        torch.manual_seed(3);
        using var policy = new GaussianActorCritic(3, 2, [8], Activation.Tanh, logStdInit: -0.3);
        using var scope = NewDisposeScope();
        var obs = torch.randn(5, 3);
        var act = torch.randn(5, 2);
        var e = policy.Evaluate(obs, act);
        var mean = policy.DeterministicAction(obs);
        double std = Math.Exp(-0.3);
        for (int r = 0; r < 5; r++)
        {
            double lp = 0;
            for (int j = 0; j < 2; j++)
            {
                double z = (act[r, j].item<float>() - mean[r, j].item<float>()) / std;
                lp += -0.5 * z * z - Math.Log(std) - 0.5 * Math.Log(2 * Math.PI);
            }
            Assert.Equal(lp, e.LogProb[r].item<float>(), 4);
            Assert.Equal(2 * (0.5 + 0.5 * Math.Log(2 * Math.PI) + Math.Log(std)), e.Entropy[r].item<float>(), 4);
        }
    }

    [Fact]
    public void CategoricalLogProbMatchesLogSoftmax()
    {
        torch.manual_seed(4);
        using var policy = new CategoricalActorCritic(4, 3, [8], Activation.Tanh);
        using var scope = NewDisposeScope();
        var obs = torch.randn(6, 4);
        var act = torch.tensor(new float[] { 0, 1, 2, 2, 1, 0 }).reshape(6, 1);
        var e = policy.Evaluate(obs, act);
        Assert.Equal([6], e.LogProb.shape);
        float total = e.LogProb.exp().sum().item<float>();
        Assert.InRange(total, 0.01f, 6f);
        Assert.True(e.Entropy.max().item<float>() <= Math.Log(3) + 1e-5);
    }

    [Fact]
    public void ManagedSnapshotReproducesTorchActorMean()
    {
        torch.manual_seed(5);
        using var policy = new GaussianActorCritic(17, 6, [64, 64], Activation.Tanh);
        var snapshot = policy.SnapshotActor();
        using var scope = NewDisposeScope();
        var obs = torch.randn(4, 17);
        var expected = policy.DeterministicAction(obs).data<float>().ToArray();
        var actual = new float[4 * 6];
        snapshot.Act(obs.data<float>().ToArray(), actual, 4, new Rng(1), deterministic: true);
        for (int i = 0; i < actual.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void FlatAdamMatchesTorchAdamWithClipping()
    {
        torch.manual_seed(6);
        using var a = new GaussianActorCritic(3, 2, [16], Activation.Tanh);
        using var b = new GaussianActorCritic(3, 2, [16], Activation.Tanh);
        b.load_state_dict(a.state_dict());
        using var flat = new FlatAdam(a.parameters(), 3e-3, eps: 1e-5);
        var reference = torch.optim.Adam(b.parameters(), 3e-3, eps: 1e-5);
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            var obs = torch.randn(8, 3);
            var act = torch.randn(8, 2);
            flat.ZeroGrad();
            var la = a.Evaluate(obs, act);
            (-(la.LogProb.mean()) + la.Value.square().mean()).backward();
            flat.Step(maxNorm: 0.5);

            reference.zero_grad();
            var lb = b.Evaluate(obs, act);
            (-(lb.LogProb.mean()) + lb.Value.square().mean()).backward();
            torch.nn.utils.clip_grad_norm_(b.parameters(), 0.5);
            reference.step();
        }
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        for (int i = 0; i < pa.Length; i++)
        {
            float diff = (pa[i] - pb[i]).abs().max().item<float>();
            Assert.True(diff < 1e-5f, $"parameter {i} differs by {diff}");
        }
    }
}

public class ManagedActingAllocationTests
{
    [Fact]
    public void ActingAllocatesNothingAfterWarmUp()
    {
        torch.manual_seed(8);
        using var policy = new GaussianActorCritic(17, 6, [64, 64], Activation.Tanh);
        var actor = policy.SnapshotActor();
        var obs = new float[8 * 17];
        var act = new float[8 * 6];
        var rng = new Rng(2);
        actor.Act(obs, act, 8, rng, deterministic: false);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) actor.Act(obs, act, 8, rng, deterministic: false);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
