using ControlRL.Core.Spaces;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Ppo;
using ControlRL.Models.Policies;
using TorchSharp;

namespace ControlRL.Learning.Tests;

/// <summary>PPO with a CNN policy on Dict observations (uint8 camera + float state): acting, checkpoints, resume, eval loading.</summary>
public class EncodedPolicyTests
{
    private static PpoConfig Config(long steps, ulong seed = 5) => new()
    {
        EnvId = "PixelReach-v0",
        TotalTimesteps = steps,
        Seed = seed,
        NumEnvs = 2,
        NumSteps = 8,
        NumMinibatches = 2,
        UpdateEpochs = 2,
        LearningRate = 1e-3,
        CheckpointEvery = 1,
        NormalizeReward = false, // see PpoTests.ResumeFromCheckpointGivesTheSameNextUpdate
        CnnFeatures = 32,
        ActionHead = "beta",
    };

    private static (PpoTrainer, IDisposable) Build(PpoConfig cfg, bool randomTargets = true)
    {
        torch.manual_seed((long)cfg.Seed);
        var env = PpoEnvironment.Build(PixelReachEnv.Registry(length: 8, randomTargets), cfg);
        var policy = PolicyFactory.Create(env.Spec, cfg);
        return (new PpoTrainer(cfg, env, policy), env);
    }

    private static float[] Flatten(ActorCritic p) => p.parameters().SelectMany(x => x.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void ImagesStayUInt8InTheRolloutAndThePolicyActsBatched()
    {
        var (t, env) = Build(Config(16));
        using var _ = env;
        using var __ = t;
        Assert.IsType<EncodedActorCritic>(t.Policy);
        Assert.False(t.ActsManaged);
        t.Train();
        var obs = t.Rollout.Observations;
        Assert.Equal(DType.UInt8, obs.LeafDType(0));
        Assert.Equal(16 * 36 * 36, obs.Bytes(0).Length);
        Assert.Contains(obs.Bytes(0), b => b == 255);
        Assert.All(t.Rollout.Actions, a => Assert.InRange(a, -1f, 1f)); // a Beta head stays inside the box
    }

    [Fact]
    public void CheckpointOfADictCnnPolicyRoundTripsAndResumesExactly()
    {
        string root = Path.Combine(Path.GetTempPath(), "controlrl-cnn-resume-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Episodes last exactly one rollout, so an update boundary is an episode boundary and resume is exact.
            var cfg = Config(2 * 8 * 3);
            var (a, envA) = Build(cfg, randomTargets: false);
            a.CheckpointDue += tr => PpoCheckpoint.Save(tr, Path.Combine(root, $"update_{tr.Update}"));
            a.Train();
            float[] expected = Flatten(a.Policy);

            var meta = PpoCheckpoint.ReadMeta(Path.Combine(root, "update_1"));
            Assert.Equal("encoded", meta.PolicyKind);
            Assert.Contains("uint8", meta.ObservationSpace);
            Assert.Contains("\"head\": \"beta\"", meta.PolicyDescription);

            var (b, envB) = Build(cfg, randomTargets: false);
            PpoCheckpoint.Restore(b, Path.Combine(root, "update_1"));
            Assert.Equal(1, b.Update);
            b.Train();
            Assert.Equal(3, b.Update);
            Assert.Equal(expected, Flatten(b.Policy));
            a.Dispose(); envA.Dispose(); b.Dispose(); envB.Dispose();
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [Fact]
    public void EveryPolicyKindLoadsFromItsCheckpointAlone()
    {
        string root = Path.Combine(Path.GetTempPath(), "controlrl-kinds-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cases = new (string Dir, Core.Envs.EnvRegistry Registry, PpoConfig Cfg)[]
            {
                ("encoded", PixelReachEnv.Registry(), Config(16)),
                ("gaussian", ReachEnv.Registry(), new PpoConfig { EnvId = "Reach-v0", TotalTimesteps = 64, NumEnvs = 2, NumSteps = 32, NumMinibatches = 2, CheckpointEvery = 0 }),
            };
            foreach (var (dir, registry, cfg) in cases)
            {
                string path = Path.Combine(root, dir);
                torch.manual_seed(1);
                using (var env = PpoEnvironment.Build(registry, cfg))
                using (var t = new PpoTrainer(cfg, env, PolicyFactory.Create(env.Spec, cfg)))
                {
                    t.Train();
                    PpoCheckpoint.Save(t, path);
                }
                // What eval and a policy server do: the checkpoint, the env's spec, nothing of the trainer.
                var meta = PpoCheckpoint.ReadMeta(path);
                var spec = registry.Describe(cfg.EnvId);
                using var policy = PpoCheckpoint.LoadPolicy(path, meta, spec);
                Assert.Equal(dir, policy.Kind);
                var obs = new ObservationBatch(spec.ObservationSpace, 3);
                for (int r = 0; r < 3; r++) spec.ObservationSpace.Sample(new Core.Random.Rng((ulong)r), obs.Row(r));
                using var actor = new PolicyActor(policy, spec.ObservationSpace, 7);
                var actions = new float[3 * spec.ActionSpace.FlatSize];
                actor.Act(obs, actions, 3, deterministic: true);
                Assert.All(actions, a => Assert.True(float.IsFinite(a)));
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, true);
        }
    }

    [Fact]
    public void ACheckpointOnAnotherObservationSpaceIsAClearError()
    {
        string dir = Path.Combine(Path.GetTempPath(), "controlrl-obs-mismatch-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (t, env) = Build(Config(16));
            t.Train();
            PpoCheckpoint.Save(t, dir);
            t.Dispose(); env.Dispose();
            var meta = PpoCheckpoint.ReadMeta(dir);
            var other = PixelReachEnv.Registry().Describe("PixelReach-v0") with
            {
                ObservationSpace = new Dict(("camera", Box.Image(36, 36, 3)), ("state", Box.Uniform(2, -2f, 2f))),
            };
            var ex = Assert.Throws<InvalidDataException>(() => PpoCheckpoint.LoadPolicy(dir, meta, other));
            Assert.Contains("(36, 36, 1), uint8", ex.Message);
            Assert.Contains("(36, 36, 3), uint8", ex.Message);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}

/// <summary>Image rollouts held in libtorch storage (how 64k-sample raster batches fit) train exactly as managed ones.</summary>
public class ExternalRolloutStorageTests
{
    private static float[] TrainOnce(long externalLeafBytes, out bool external)
    {
        var cfg = new PpoConfig
        {
            EnvId = "PixelReach-v0", TotalTimesteps = 64, Seed = 9, NumEnvs = 2, NumSteps = 16, NumMinibatches = 2, UpdateEpochs = 2,
            LearningRate = 1e-3, NormalizeReward = false, CnnFeatures = 32, ActionHead = "beta", CheckpointEvery = 0,
        };
        torch.manual_seed(9);
        using var env = PpoEnvironment.Build(PixelReachEnv.Registry(length: 8, randomTargets: true), cfg);
        var policy = PolicyFactory.Create(env.Spec, cfg);
        using var t = new PpoTrainer(cfg, env, policy, externalLeafBytes);
        t.Train();
        external = t.Rollout.Observations.External(0) is not null;
        Assert.Equal(2, t.Update);
        return policy.parameters().SelectMany(x => x.detach().cpu().data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void RolloutInTensorStorageGivesTheSameParametersAsManagedArrays()
    {
        var managed = TrainOnce(PpoTrainer.DefaultExternalLeafBytes, out bool wasExternal);
        Assert.False(wasExternal);
        var native = TrainOnce(0, out bool isExternal);
        Assert.True(isExternal);
        Assert.Equal(managed, native);
    }

    [Fact]
    public void TensorLeafAllocatorRowsAreViewedWithoutACopy()
    {
        var space = new Dict(("image", Box.Image(4, 4, 3)), ("state", Box.Uniform(2, -1f, 1f)));
        using var alloc = new TensorLeafAllocator(minBytes: 40);
        var batch = new ObservationBatch(space, 3, alloc.Allocate);
        Assert.NotNull(batch.External(0));
        Assert.Null(batch.External(1)); // 24 bytes stay managed
        batch.ByteRow(0, 2)[5] = 77;
        using var pinned = new PinnedObservations(batch);
        var rows = pinned.Rows(1, 2, torch.CPU);
        Assert.Equal(new long[] { 2, 4, 4, 3 }, rows[0].shape);
        Assert.Equal(77, rows[0][1].flatten()[5].item<byte>());
        // Writes after the view show through it: the tensor is the rollout's storage, not a copy.
        batch.ByteRow(0, 1)[0] = 9;
        Assert.Equal(9, rows[0][0].flatten()[0].item<byte>());
    }
}
