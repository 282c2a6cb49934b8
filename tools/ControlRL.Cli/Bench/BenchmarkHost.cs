using System.Diagnostics;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;
using ControlRL.Envs.MuJoCo;
using ControlRL.Envs.MuJoCo.Native;
using ControlRL.Learning.Ppo;
using TorchSharp;

namespace ControlRL.Cli.Bench;

/// <summary>
/// <c>controlrl bench</c>: env throughput against a raw native mj_step loop in the same process and run, the
/// vector env on 1..N threads, and end-to-end PPO steps per second. Random actions are drawn before timing.
/// </summary>
public sealed class BenchmarkHost : IBenchmarkHost
{
    public IReadOnlyList<BenchmarkRow> BenchEnv(EnvBenchRequest request, CancellationToken cancellationToken)
    {
        var rows = new List<BenchmarkRow>();
        var spec = request.Envs.Describe(request.EnvId);
        int act = spec.ActionSpace.FlatSize;
        var actions = RandomActions(spec.ActionSpace, 4096 * Math.Max(request.NumEnvs, 1), request.Seed);

        using (var probe = request.Envs.MakeRaw(request.EnvId))
        {
            if (probe is MuJoCoEnv mj)
                rows.Add(new BenchmarkRow($"native mj_step loop (frame skip {mj.FrameSkip})", 1, request.Steps, NativeLoop(mj, actions, act, request.Steps)));
        }

        using (var env = request.Envs.Make(request.EnvId))
        {
            // Typed slots for any space; a flat float env writes into one float row exactly as a span.
            var obs = new ObservationBatch(spec.ObservationSpace, 1);
            var terms = new float[spec.RewardTerms.Count];
            var info = new float[spec.Info.Count];
            var skipping = env.Find<IObservationSkipping>();
            env.Reset(obs.Row(0), request.Seed);
            double Run(long steps)
            {
                var sw = Stopwatch.StartNew();
                for (long s = 0; s < steps; s++)
                {
                    int k = (int)(s % 4096);
                    var r = env.Step(actions.AsSpan(k * act, act), obs.Row(0), terms, info);
                    if (r.Terminated || r.Truncated) env.Reset(obs.Row(0));
                }
                return sw.Elapsed.TotalSeconds;
            }
            Run(Math.Min(request.Steps / 10, 5000));
            rows.Add(new BenchmarkRow($"IEnv.Step, one env ({spec.Id})", 1, request.Steps, Run(request.Steps)));
            if (skipping is not null)
            {
                // What an action-repeat wrapper costs for the frames the agent never sees: physics and reward only.
                skipping.SkipObservation = true;
                rows.Add(new BenchmarkRow($"IEnv.Step, observation not drawn ({spec.Id})", 1, request.Steps, Run(request.Steps)));
                skipping.SkipObservation = false;
            }
        }

        foreach (int threads in request.Threads)
        {
            if (cancellationToken.IsCancellationRequested) break;
            using var venv = VectorEnvFactory.Create(request.Envs, request.EnvId, request.NumEnvs, threads > 1, threads - 1);
            venv.Reset(request.Seed);
            int n = venv.NumEnvs;
            long batches = Math.Max(1, request.Steps / n);
            double Run(long count)
            {
                var sw = Stopwatch.StartNew();
                for (long s = 0; s < count; s++)
                {
                    int k = (int)(s % (actions.Length / (n * act)));
                    venv.Step(actions.AsSpan(k * n * act, n * act));
                }
                return sw.Elapsed.TotalSeconds;
            }
            Run(Math.Max(1, batches / 10));
            string kind = threads > 1 ? "ThreadedVectorEnv" : "SyncVectorEnv";
            rows.Add(new BenchmarkRow($"{kind}, {n} envs", threads, batches * n, Run(batches)));
        }
        return rows;
    }

    public IReadOnlyList<BenchmarkRow> BenchPpo(PpoBenchRequest request, CancellationToken cancellationToken)
    {
        var cfg = request.Config;
        cfg.TotalTimesteps = (long)cfg.BatchSize * (request.Updates + 1);
        cfg.CheckpointEvery = 0;
        cfg.Validate();
        torch.manual_seed((long)(cfg.Seed & long.MaxValue));
        using var env = PpoEnvironment.Build(request.Envs, cfg);
        using var policy = PolicyFactory.Create(env.Spec, cfg);
        using var trainer = new PpoTrainer(cfg, env, policy);
        // The first update warms up the JIT and TorchSharp; the rest are timed.
        var sw = new Stopwatch();
        long startStep = 0;
        trainer.Progress += p =>
        {
            if (p.Update == 1)
            {
                startStep = p.GlobalStep;
                sw.Restart();
            }
        };
        trainer.Train(cancellationToken);
        sw.Stop();
        string label = $"PPO end to end ({cfg.NumEnvs} env x {cfg.NumSteps} steps, {cfg.NumMinibatches} minibatches, {cfg.UpdateEpochs} epochs, {cfg.VectorEnv})";
        int threads = cfg.VectorEnv == "threaded" ? (cfg.EnvWorkers > 0 ? cfg.EnvWorkers : Environment.ProcessorCount) : 1;
        return [new BenchmarkRow(label, threads, trainer.GlobalStep - startStep, sw.Elapsed.TotalSeconds)];
    }

    private static double NativeLoop(MuJoCoEnv env, float[] actions, int act, long steps)
    {
        using var model = MjModel.LoadXml(env.AssetPath);
        using var data = new MjData(model);
        int skip = env.FrameSkip;
        double Run(long count)
        {
            data.Reset();
            var sw = Stopwatch.StartNew();
            for (long s = 0; s < count; s++)
            {
                var ctrl = data.Ctrl;
                int k = (int)(s % 4096);
                for (int j = 0; j < act; j++) ctrl[j] = actions[k * act + j];
                for (int f = 0; f < skip; f++) data.Step();
                if (s % 1000 == 999) data.Reset();
            }
            return sw.Elapsed.TotalSeconds;
        }
        Run(Math.Min(steps / 10, 5000));
        return Run(steps);
    }

    private static float[] RandomActions(Space space, int count, ulong seed)
    {
        var rng = new Rng(seed);
        int size = space.FlatSize;
        var a = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < size; j++)
            {
                a[i * size + j] = space switch
                {
                    Box b => (float)rng.Uniform(b.Low[j], b.High[j]),
                    Discrete d => rng.NextInt(d.N),
                    _ => 0f,
                };
            }
        }
        return a;
    }
}
