using ControlRL.Cli.Hosting;
using ControlRL.Cli.Logging;
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
/// The native loop replays the IEnv.Step loop's trajectory exactly (same reset states at the same steps, same
/// actions), and both are timed in CPU seconds of the stepping thread as well as wall-clock, so their ratio is
/// the env layer's overhead even on a loaded machine.
/// </summary>
public sealed class BenchmarkHost : IBenchmarkHost
{
    /// <summary>Actions drawn per sub-env before timing; step s uses action s mod this.</summary>
    private const int ActionBlock = 4096;

    /// <summary>Steps between progress reports and cancellation checks (a power of two).</summary>
    private const int TickEvery = 1024;

    public IReadOnlyList<BenchmarkRow> BenchEnv(EnvBenchRequest request, CancellationToken cancellationToken)
    {
        var progress = request.Progress;
        var spec = request.Envs.Describe(request.EnvId);
        int act = spec.ActionSpace.FlatSize;
        var actions = RandomActions(spec.ActionSpace, ActionBlock * Math.Max(request.NumEnvs, 1), request.Seed);
        long warm = Math.Min(request.Steps / 10, 5000);
        var rows = new List<BenchmarkRow>();

        using (var env = request.Envs.Make(request.EnvId))
        {
            // Typed slots for any space; a flat float env writes into one float row exactly as a span.
            var obs = new ObservationBatch(spec.ObservationSpace, 1);
            var terms = new float[spec.RewardTerms.Count];
            var info = new float[spec.Info.Count];
            var skipping = env.Find<IObservationSkipping>();
            var mujoco = env.Find<MuJoCoEnv>();
            using var model = mujoco is null ? null : MjModel.LoadXml(mujoco.AssetPath);

            // Every pass starts from Reset(seed), so each one follows the same trajectory: resets draw their noise
            // from the env's generator, reseeded here, and the actions repeat.
            (double Wall, double? Cpu) Run(string label, long steps, ResetLog? record)
            {
                progress?.Phase(label, steps);
                env.Reset(obs.Row(0), request.Seed);
                record?.Add(0, mujoco!);
                var timer = LoopTimer.Start();
                for (long s = 0; s < steps; s++)
                {
                    if ((s & (TickEvery - 1)) == 0) Tick(progress, s, cancellationToken);
                    int k = (int)(s % ActionBlock);
                    var r = env.Step(actions.AsSpan(k * act, act), obs.Row(0), terms, info);
                    if (r.Terminated || r.Truncated)
                    {
                        env.Reset(obs.Row(0));
                        record?.Add(s + 1, mujoco!);
                    }
                }
                var time = timer.Stop();
                progress?.Update(steps);
                return time;
            }

            Run($"IEnv.Step warm-up ({spec.Id})", warm, null);
            var resets = model is null ? null : new ResetLog(model.Nq, model.Nv);
            var (wall, cpu) = Run($"IEnv.Step ({spec.Id})", request.Steps, resets);
            var envRow = new BenchmarkRow($"IEnv.Step, one env ({spec.Id})", 1, request.Steps, wall, cpu);
            if (mujoco is not null && model is not null && resets is not null)
            {
                var final = new ResetLog(model.Nq, model.Nv);
                final.Add(request.Steps, mujoco);
                rows.Add(NativeReplay(mujoco, model, actions, act, request.Steps, warm, resets, final, progress, cancellationToken));
            }
            rows.Add(envRow);
            if (skipping is not null)
            {
                // What an action-repeat wrapper costs for the frames the agent never sees: physics and reward only.
                skipping.SkipObservation = true;
                var (skipWall, skipCpu) = Run($"IEnv.Step, observation not drawn ({spec.Id})", request.Steps, null);
                rows.Add(new BenchmarkRow($"IEnv.Step, observation not drawn ({spec.Id})", 1, request.Steps, skipWall, skipCpu));
                skipping.SkipObservation = false;
            }
        }

        foreach (int threads in request.Threads)
        {
            using var venv = VectorEnvFactory.Create(request.Envs, request.EnvId, request.NumEnvs, threads > 1, threads - 1);
            int n = venv.NumEnvs;
            long batches = Math.Max(1, request.Steps / n);
            string kind = threads > 1 ? "ThreadedVectorEnv" : "SyncVectorEnv";
            (double Wall, double? Cpu) Run(long count)
            {
                progress?.Phase($"{kind}, {n} envs, {threads} thread(s)", count * n);
                venv.Reset(request.Seed);
                var timer = LoopTimer.Start();
                for (long s = 0; s < count; s++)
                {
                    if ((s & (TickEvery / 8 - 1)) == 0) Tick(progress, s * n, cancellationToken);
                    int k = (int)(s % (actions.Length / (n * act)));
                    venv.Step(actions.AsSpan(k * n * act, n * act));
                }
                var time = timer.Stop();
                progress?.Update(count * n);
                return time;
            }
            Run(Math.Max(1, batches / 10));
            var (wall, cpu) = Run(batches);
            // Worker threads step sub-envs too: the calling thread's CPU time is not the whole work then.
            rows.Add(new BenchmarkRow($"{kind}, {n} envs", threads, batches * n, wall, threads > 1 ? null : cpu));
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
        var progress = request.Progress;
        progress?.Phase($"PPO on {cfg.EnvId}, {request.Updates} timed update(s) after one untimed", cfg.TotalTimesteps);
        long counted = 0;
        using var env = new CountingVectorEnv(PpoEnvironment.Build(request.Envs, cfg), n =>
        {
            counted += n;
            progress?.Update(counted);
        });
        using var policy = PolicyFactory.Create(env.Spec, cfg);
        using var trainer = new PpoTrainer(cfg, env, policy);
        // The first update warms up the JIT and TorchSharp; the rest are timed.
        var timer = LoopTimer.Start();
        long startStep = 0;
        trainer.Progress += p =>
        {
            if (p.Update == 1)
            {
                startStep = p.GlobalStep;
                timer = LoopTimer.Start();
            }
        };
        trainer.Train(cancellationToken);
        var (wall, _) = timer.Stop();
        // A stopped trainer returns early: its steps per second would describe a partial run.
        cancellationToken.ThrowIfCancellationRequested();
        string label = $"PPO end to end ({cfg.NumEnvs} env x {cfg.NumSteps} steps, {cfg.NumMinibatches} minibatches, {cfg.UpdateEpochs} epochs, {cfg.VectorEnv})";
        int threads = cfg.VectorEnv == "threaded" ? (cfg.EnvWorkers > 0 ? cfg.EnvWorkers : Environment.ProcessorCount) : 1;
        return [new BenchmarkRow(label, threads, trainer.GlobalStep - startStep, wall)];
    }

    private static void Tick(ConsoleProgress? progress, long done, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        progress?.Update(done);
    }

    /// <summary>
    /// The raw loop on its own MjData of the same asset: ctrl = action, mj_step x frame skip, and at each step where
    /// the IEnv.Step loop reset, the state that reset produced (mj_resetData, qpos/qvel, mj_forward), so both loops
    /// compute the same trajectory; the label says whether the final states agree.
    /// </summary>
    private static BenchmarkRow NativeReplay(MuJoCoEnv env, MjModel model, float[] actions, int act, long steps, long warm,
        ResetLog resets, ResetLog final, ConsoleProgress? progress, CancellationToken ct)
    {
        using var data = new MjData(model);
        int skip = env.FrameSkip;
        (double Wall, double? Cpu) Run(string label, long count)
        {
            progress?.Phase(label, count);
            int next = 0;
            var timer = LoopTimer.Start();
            for (long s = 0; s < count; s++)
            {
                if (next < resets.Count && resets.Steps[next] == s) resets.Restore(next++, data);
                if ((s & (TickEvery - 1)) == 0) Tick(progress, s, ct);
                var ctrl = data.Ctrl;
                int k = (int)(s % ActionBlock);
                for (int j = 0; j < act; j++) ctrl[j] = actions[k * act + j];
                for (int f = 0; f < skip; f++) data.Step();
            }
            var time = timer.Stop();
            if (next < resets.Count && resets.Steps[next] == count) resets.Restore(next, data);
            progress?.Update(count);
            return time;
        }
        Run("native mj_step warm-up", warm);
        var (wall, cpu) = Run($"native mj_step loop ({env.Id})", steps);
        string same = final.Matches(0, data) ? "same trajectory" : "trajectory differs";
        return new BenchmarkRow($"native mj_step loop (frame skip {skip}, {same})", 1, steps, wall, cpu);
    }

    /// <summary>The steps at which an episode started and the state it started from.</summary>
    private sealed class ResetLog(int nq, int nv)
    {
        public List<long> Steps { get; } = [];
        private readonly List<double[]> _states = [];

        public int Count => Steps.Count;

        public void Add(long step, MuJoCoEnv env)
        {
            var state = new double[nq + nv];
            env.CopyState(state.AsSpan(0, nq), state.AsSpan(nq));
            Steps.Add(step);
            _states.Add(state);
        }

        /// <summary>What MuJoCoEnv.Reset does to the simulator: mj_resetData, the episode's state, mj_forward.</summary>
        public void Restore(int i, MjData data)
        {
            data.Reset();
            _states[i].AsSpan(0, nq).CopyTo(data.Qpos);
            _states[i].AsSpan(nq).CopyTo(data.Qvel);
            data.Forward();
        }

        public bool Matches(int i, MjData data) =>
            data.Qpos.SequenceEqual(_states[i].AsSpan(0, nq)) && data.Qvel.SequenceEqual(_states[i].AsSpan(nq));
    }

    /// <summary>Reports the env steps of each vector step (PPO's rollouts) for the progress bar.</summary>
    private sealed class CountingVectorEnv(IVectorEnv inner, Action<long> stepped) : VectorWrapper(inner)
    {
        protected override void OnStep(ReadOnlySpan<float> actions) => stepped(NumEnvs);
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
