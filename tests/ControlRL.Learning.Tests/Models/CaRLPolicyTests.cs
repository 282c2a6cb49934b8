using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Ppo;
using ControlRL.Models;
using ControlRL.Models.Distributions;
using ControlRL.Models.Encoders;
using ControlRL.Models.Policies;
using TorchSharp;
using static TorchSharp.torch;
using static ControlRL.Learning.Tests.Models.TensorAssert;

namespace ControlRL.Learning.Tests.Models;

/// <summary>CaRL's policy network (autonomousvision/CaRL team_code_roach/cnn_model.py PPOPolicy, roach_ln2).</summary>
public class CaRLPolicyTests
{
    private static Dict Space(int size, int valueMeasurements = 10) => new(
        ("bev", Box.Image(size, size, 10)),
        ("measurements", Box.Uniform(8, float.NegativeInfinity, float.PositiveInfinity)),
        ("value_measurements", Box.Uniform(valueMeasurements, float.NegativeInfinity, float.PositiveInfinity)));

    private static readonly Box Actions = Box.Uniform(2, -1f, 1f);

    private static CaRLActorCritic Build(int size, long seed = 1)
    {
        torch.manual_seed(seed);
        return (CaRLActorCritic)new PolicyDescription { Kind = "carl" }.BuildPolicy(Space(size), Actions);
    }

    // TorchSharp 0.107 can finalize a Generator or a temporary Scalar while a native call still uses it, when nothing
    // references it afterwards (see ControlRL.Models.Scalars): generators are held with using, operands are tensors.
    private static Tensor[] Observations(int rows, int size, long seed = 2)
    {
        using var g = new Generator((ulong)seed);
        return [randint(0, 256, [rows, size, size, 10], dtype: ScalarType.Byte, generator: g), randn(rows, 8, generator: g), randn(rows, 10, generator: g)];
    }

    [Theory]
    [InlineData(256, new[] { 8, 16, 24, 32 })]
    [InlineData(128, new[] { 16, 24, 32 })]
    [InlineData(64, new[] { 24, 32 })]
    public void OutputShapesAndTrunkAtEachRaster(int size, int[] stem)
    {
        using var policy = Build(size);
        var layers = policy.Encoder.Cnn.Layers;
        Assert.Equal(stem, layers.Take(stem.Length).Select(l => l.Outputs));
        Assert.All(layers.Take(stem.Length), l => Assert.Equal((5, 2), (l.Kernel, l.Stride)));
        Assert.Equal(13, layers[stem.Length - 1].Height);
        // CaRL's tail, the same at every size: 64@6x6, 128@4x4, 256@2x2.
        Assert.Equal([(64, 3, 2, 6), (128, 3, 1, 4), (256, 3, 1, 2)], layers.Skip(stem.Length).Select(l => (l.Outputs, l.Kernel, l.Stride, l.Height)));
        Assert.Equal(1024, policy.Encoder.Cnn.FlatSize);
        Assert.Equal(2, policy.ActionSize);
        Assert.Equal("carl", policy.Kind);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var obs = Observations(2, size);
        Assert.Equal([2L, 256L], policy.Features(obs).shape);
        var e = policy.Evaluate(obs, zeros(2, 2));
        Assert.Equal([2L], e.LogProb.shape);
        Assert.Equal([2L], e.Entropy.shape);
        Assert.Equal([2L], e.Value.shape);
        Assert.Equal([2L, 2L], policy.DeterministicAction(obs).shape);
        using var g3 = new Generator(3);
        var s = policy.Sample(obs, g3);
        Assert.Equal([2L, 2L], s.Action.shape);
        Assert.True(s.Action.abs().max().item<float>() <= 1);
        Assert.True(allclose(s.LogProb, policy.Evaluate(obs, s.Action).LogProb, atol: 1e-5));
    }

    [Fact]
    public void ParameterCountAt256IsCaRLs()
    {
        // CaRL's layer list (cnn_model.py XtMaCNN roach_ln2 + PPOPolicy, rl_config.py), 10 BEV channels, 8 measurements,
        // our 10 value measurements. LayerNorm over (C,H,W) has a weight and a bias per element.
        static long Conv(int i, int o, int k) => (long)i * o * k * k + o;
        static long Lin(int i, int o) => (long)i * o + o;
        static long Ln(params int[] shape) => 2L * shape.Aggregate(1L, (a, b) => a * b);
        long cnn = Conv(10, 8, 5) + Ln(8, 126, 126) + Conv(8, 16, 5) + Ln(16, 61, 61) + Conv(16, 24, 5) + Ln(24, 29, 29)
            + Conv(24, 32, 5) + Ln(32, 13, 13) + Conv(32, 64, 3) + Ln(64, 6, 6) + Conv(64, 128, 3) + Ln(128, 4, 4)
            + Conv(128, 256, 3) + Ln(256, 2, 2);
        long states = Lin(8, 256) + Ln(256) + Lin(256, 256) + Ln(256);
        long joint = Lin(256 * 2 * 2 + 256, 512) + Ln(512) + Lin(512, 256) + Ln(256);
        long policyHead = Lin(256, 256) + Ln(256) + Lin(256, 256) + Ln(256) + 2 * Lin(256, 2); // dist_mu and dist_sigma
        long valueHead = Lin(256 + 10, 256) + Ln(256) + Lin(256, 256) + Ln(256) + Lin(256, 1);
        long expected = cnn + states + joint + policyHead + valueHead;
        // tools/bench/carl_update.py --count --size 256 (PyTorch 1.13, the same layer list) prints 1983541.
        Assert.Equal(1_983_541, expected);
        using var policy = Build(256);
        Assert.Equal(expected, policy.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData(192)]
    [InlineData(100)]
    [InlineData(32)]
    [InlineData(512)]
    public void RastersThatMissCaRLs13x13AreRefused(int size)
    {
        var ex = Assert.Throws<ArgumentException>(() => new PolicyDescription { Kind = "carl" }.BuildPolicy(Space(size), Actions));
        Assert.Contains($"{size}x{size}", ex.Message);
        Assert.Contains("13x13", ex.Message);
    }

    [Fact]
    public void AMissingKeyIsNamed()
    {
        var space = new Dict(("bev", Box.Image(64, 64, 10)), ("measurements", Box.Uniform(8, -1, 1)));
        var ex = Assert.Throws<ArgumentException>(() => new PolicyDescription { Kind = "carl" }.BuildPolicy(space, Actions));
        Assert.Contains("'value_measurements'", ex.Message);
        using var noCritic = new PolicyDescription { Kind = "carl", Carl = new CaRLOptions { UseValueMeasurements = false } }.BuildPolicy(space, Actions);
        var camera = new Dict(("camera", Box.Image(64, 64, 10)), ("measurements", Box.Uniform(8, -1, 1)), ("value_measurements", Box.Uniform(10, -1, 1)));
        Assert.Contains("'bev'", Assert.Throws<ArgumentException>(() => new PolicyDescription { Kind = "carl" }.BuildPolicy(camera, Actions)).Message);
        Assert.Throws<ArgumentException>(() => new PolicyDescription { Kind = "carl", Head = "gaussian" }.BuildPolicy(Space(64), Actions));
    }

    [Fact]
    public void AWronglyShapedLeafIsNamedAtTheForward()
    {
        using var policy = Build(64);
        using var scope = NewDisposeScope();
        var obs = Observations(2, 64);
        obs[2] = randn(2, 9);
        Assert.Contains("'value_measurements'", Assert.Throws<ArgumentException>(() => policy.GetValue(obs)).Message);
        obs = Observations(2, 64);
        obs[0] = obs[0].to_type(ScalarType.Float32);
        Assert.Contains("'bev'", Assert.Throws<ArgumentException>(() => policy.GetValue(obs)).Message);
    }

    [Fact]
    public void TheCriticSeesValueMeasurementsAndTheActorDoesNot()
    {
        using var policy = Build(64);
        using var scope = NewDisposeScope();
        var obs = Observations(4, 64);
        // Exactly: the actor's outputs have no gradient path to the value measurements; the value has one.
        var vm = obs[2].clone().requires_grad_(true);
        Tensor[] tracked = [obs[0], obs[1], vm];
        var d = policy.Distribution(policy.Features(tracked));
        (d.Alpha.sum() + d.Beta.sum()).backward();
        Assert.True(vm.grad is null || !vm.grad.any().item<bool>());
        policy.GetValue(tracked).sum().backward();
        Assert.True(vm.grad is not null && vm.grad.any().item<bool>());
        policy.zero_grad();

        // And by perturbation.
        using var _ = no_grad();
        var perturbed = (Tensor[])obs.Clone();
        using var g8 = new Generator(8);
        perturbed[2] = obs[2] + randn(4, 10, generator: g8).exp();
        var d0 = policy.Distribution(policy.Features(obs));
        var d1 = policy.Distribution(policy.Features(perturbed));
        Assert.True(Same(d0.Alpha, d1.Alpha) && Same(d0.Beta, d1.Beta));
        Assert.True(Same(policy.DeterministicAction(obs), policy.DeterministicAction(perturbed)));
        Assert.False(allclose(policy.GetValue(obs), policy.GetValue(perturbed), atol: 1e-3));
        // The actor does see the ego measurements.
        var moved = (Tensor[])obs.Clone();
        using var g9 = new Generator(9);
        moved[1] = obs[1] + randn(4, 8, generator: g9).exp();
        Assert.False(allclose(policy.DeterministicAction(obs), policy.DeterministicAction(moved), atol: 1e-4));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(128)]
    public void TheChannelsLastTrunkComputesCaRLsNchwTrunk(int size)
    {
        using var policy = Build(size);
        var cnn = policy.Encoder.Cnn;
        var p = cnn.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var bev = Observations(3, size)[0];
        // CaRL's forward: NCHW float / 255, conv, LayerNorm over (C, H, W), ReLU; flatten. oneDNN off: see TorchBackends.
        TorchBackends.MkldnnEnabled = false;
        try
        {
            var x = bev.permute(0, 3, 1, 2).contiguous().to_type(ScalarType.Float32) / 255f;
            for (int i = 0; i < cnn.Layers.Count; i++)
            {
                var l = cnn.Layers[i];
                x = nn.functional.conv2d(x, p[$"convs.{i}.weight"], p[$"convs.{i}.bias"], strides: [l.Stride, l.Stride]);
                x = nn.functional.layer_norm(x, [l.Outputs, l.Height, l.Width], p[$"norms.{i}.weight"], p[$"norms.{i}.bias"]).relu();
            }
            var expected = x.flatten(1);
            TorchBackends.MkldnnEnabled = true;
            Assert.True(allclose(cnn.forward(bev), expected, rtol: 1e-4, atol: 1e-5));
        }
        finally
        {
            TorchBackends.MkldnnEnabled = true;
        }
    }

    [Fact]
    public void FeaturesDoNotDependOnWhatTheAllocatorHandsBack()
    {
        // On NCHW input, libtorch 2.10's oneDNN ran the conv from 24 channels on a padded copy of its input with stale
        // padding: NaN or other values when freed memory held them (TorchBackends). The CNN runs channels-last instead.
        using var policy = Build(64);
        Assert.True(TorchBackends.MkldnnEnabled);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var obs = Observations(2, 64);
        var f0 = policy.Features(obs);
        for (int i = 0; i < 20; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                full(2 * 32 * 30 * 30, float.NaN).Dispose(); // the padded 24-channel input of the 5x5/2 conv
                full(2 * 32 * 13 * 13, float.NaN).Dispose();
            }
            Assert.True(Same(f0, policy.Features(obs)));
        }
    }

    [Fact]
    public void BetaParametersAreSoftplusPlusOneOfTheHeadsOutputs()
    {
        using var policy = Build(64);
        var named = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var weight = named.Single(p => p.Key.StartsWith("actor.", StringComparison.Ordinal) && p.Key.EndsWith(".weight", StringComparison.Ordinal)).Value;
        var bias = named.Single(p => p.Key.StartsWith("actor.", StringComparison.Ordinal) && p.Key.EndsWith(".bias", StringComparison.Ordinal)).Value;
        Assert.Equal([4L, 256L], weight.shape);
        // Zero weights make the head's output its bias for any input: alpha from the first two, beta from the last two.
        float[] b = [-40f, 0f, 0.7f, 3f];
        using (no_grad())
        {
            weight.zero_();
            bias.copy_(tensor(b));
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var d = policy.Distribution(policy.Features(Observations(3, 64)));
        static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(Softplus(b[j]) + 1, d.Alpha[0, j].item<float>(), 5);
            Assert.Equal(Softplus(b[j + 2]) + 1, d.Beta[2, j].item<float>(), 5);
        }
        Assert.True(d.Alpha.min().item<float>() >= 1); // unimodal: a, b >= 1 however negative the output
        // Deterministic acting is the mean of the Beta mapped onto [-1, 1].
        double a1 = Softplus(0) + 1, b1 = Softplus(3) + 1;
        Assert.Equal(-1 + 2 * a1 / (a1 + b1), d.Deterministic()[1, 1].item<float>(), 5);
    }

    [Fact]
    public void ConvsAreInitialisedAsCaRLs()
    {
        using var policy = Build(64);
        foreach (var (name, p) in policy.named_parameters().Where(p => p.name.Contains("convs", StringComparison.Ordinal)))
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                Assert.True(p.min().item<float>() == 0.1f && p.max().item<float>() == 0.1f, name);
                continue;
            }
            long fanIn = p.shape[1] * p.shape[2] * p.shape[3], fanOut = p.shape[0] * p.shape[2] * p.shape[3];
            double bound = Math.Sqrt(2.0) * Math.Sqrt(6.0 / (fanIn + fanOut)); // xavier_uniform_, gain calculate_gain('relu')
            Assert.True(p.abs().max().item<float>() <= bound + 1e-6, name);
            Assert.True(p.abs().max().item<float>() > 0.8 * bound, name);
        }
    }

    [Fact]
    public void DescriptionRoundTripRebuildsTheSameOutputs()
    {
        var description = new PolicyDescription { Kind = "carl", Head = "beta", Carl = new CaRLOptions() };
        var json = description.ToJson();
        Assert.Contains("\"carl\": {", json);
        var back = PolicyDescription.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.DoesNotContain("\"carl\"", new PolicyDescription().ToJson()); // encoded descriptions read as before
        Assert.Throws<ArgumentException>(() => PolicyDescription.FromJson("{\"kind\": \"resnet\"}"));
        using var a = Build(64, seed: 1);
        torch.manual_seed(2);
        using var b = back.BuildPolicy(Space(64), Actions);
        Assert.IsType<CaRLActorCritic>(b);
        b.load_state_dict(a.state_dict());
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var obs = Observations(3, 64);
        var act = tensor(new float[] { -0.9f, 0.3f, 0.5f, -0.1f, 0.8f, 0.0f }).reshape(3, 2);
        var ea = a.Evaluate(obs, act);
        var eb = b.Evaluate(obs, act);
        Assert.True(Same(ea.LogProb, eb.LogProb) && Same(ea.Entropy, eb.Entropy) && Same(ea.Value, eb.Value));
        Assert.True(Same(a.DeterministicAction(obs), b.DeterministicAction(obs)));
    }

    [Fact]
    public void PpoConfigAcceptsCarlWithABetaHeadOnly()
    {
        new PpoConfig { EnvId = "X", Policy = "carl", TotalTimesteps = 1 << 20 }.Validate();
        new PpoConfig { EnvId = "X", Policy = "carl", ActionHead = "beta", TotalTimesteps = 1 << 20 }.Validate();
        var ex = Assert.Throws<ArgumentException>(() => new PpoConfig { EnvId = "X", Policy = "carl", ActionHead = "gaussian", TotalTimesteps = 1 << 20 }.Validate());
        Assert.Contains("beta", ex.Message);
    }

    [Fact]
    public void PpoTrainsACaRLPolicyAndItsCheckpointRebuildsIt()
    {
        string dir = Path.Combine(Path.GetTempPath(), "controlrl-carl-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cfg = new PpoConfig
            {
                EnvId = BevToyEnv.Id, Policy = "carl", TotalTimesteps = 32, NumEnvs = 2, NumSteps = 8, NumMinibatches = 2,
                UpdateEpochs = 1, LearningRate = 2.5e-4, ClipCoef = 0.1, EntCoef = 0.01, NormalizeReward = false, CheckpointEvery = 0, Seed = 3, TorchThreads = 0,
            };
            var registry = BevToyEnv.Registry();
            torch.manual_seed(3);
            float[] before, after;
            using (var env = PpoEnvironment.Build(registry, cfg))
            using (var t = new PpoTrainer(cfg, env, PolicyFactory.Create(env.Spec, cfg)))
            {
                Assert.IsType<CaRLActorCritic>(t.Policy);
                before = Flatten(t.Policy);
                t.Train();
                after = Flatten(t.Policy);
                Assert.Equal(2, t.Update);
                Assert.All(after, v => Assert.True(float.IsFinite(v)));
                Assert.NotEqual(before, after);
                PpoCheckpoint.Save(t, dir);
            }
            var meta = PpoCheckpoint.ReadMeta(dir);
            Assert.Equal("carl", meta.PolicyKind);
            Assert.Contains("\"kind\": \"carl\"", meta.PolicyDescription);
            var spec = registry.Describe(cfg.EnvId);
            using var policy = PpoCheckpoint.LoadPolicy(dir, meta, spec);
            Assert.IsType<CaRLActorCritic>(policy);
            Assert.Equal(after, Flatten(policy));
            var obs = new ObservationBatch(spec.ObservationSpace, 3);
            for (int r = 0; r < 3; r++) spec.ObservationSpace.Sample(new Rng((ulong)r), obs.Row(r));
            using var actor = new PolicyActor(policy, spec.ObservationSpace, 7);
            var actions = new float[3 * 2];
            actor.Act(obs, actions, 3, deterministic: true);
            Assert.All(actions, a => Assert.InRange(a, -1f, 1f));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    private static float[] Flatten(ActorCritic p) => p.parameters().SelectMany(x => x.detach().cpu().data<float>().ToArray()).ToArray();

    /// <summary>
    /// The driving env's observation layout at 64x64 without the simulator: a bright column in the BEV at the
    /// target's lateral offset, the last action in the measurements, the time left in the value measurements.
    /// Reward is minus the distance of the steer to the target; 8-step episodes.
    /// </summary>
    private sealed class BevToyEnv : IEnv
    {
        public const string Id = "CaRLBevToy-v0";
        private const int Size = 64;
        private readonly Rng _rng = new(0);
        private float _target;
        private int _t;

        public EnvSpec Spec { get; } = new(Id, CaRLPolicyTests.Space(Size), Box.Uniform(2, -1f, 1f), 0.1, 1, 8, ["steer"]);

        public static EnvRegistry Registry()
        {
            var r = new EnvRegistry();
            r.Register(Id, () => new BevToyEnv());
            return r;
        }

        public void Reset(ObsRow observation, ulong? seed = null)
        {
            if (seed is ulong s) _rng.Seed(s);
            _target = (float)_rng.Uniform(-1, 1);
            _t = 0;
            Write(observation, 0, 0);
        }

        public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
        {
            _t++;
            Write(observation, action[0], action[1]);
            float r = -MathF.Abs(action[0] - _target);
            rewardTerms[0] = r;
            return new StepOutcome(r, false, false);
        }

        private void Write(ObsRow o, float steer, float accel)
        {
            var bev = o.UInt8(0);
            bev.Clear();
            int col = Math.Clamp((int)((_target + 1) / 2 * (Size - 1)), 0, Size - 1);
            for (int y = 0; y < Size; y++) bev[(y * Size + col) * 10 + 1] = 255; // the route channel
            var m = o.Float(1);
            m.Clear();
            (m[0], m[1]) = (steer, accel);
            var v = o.Float(2);
            v.Clear();
            v[0] = (8 - _t) / 8f;
        }

        public void Dispose() { }
    }
}
