using System.Globalization;
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
/// actions); the two run interleaved and are timed in CPU seconds of the stepping thread as well as wall-clock, so
/// their ratio is the env layer's overhead even on a loaded machine.
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
        long steps = request.Steps;
        long warm = Math.Min(steps / 10, 5000);
        var rows = new List<BenchmarkRow>();

        using (var env = request.Envs.Make(request.EnvId))
        {
            var mujoco = env.Find<MuJoCoEnv>();
            var envLoop = new EnvLoop(env, spec, actions, act, request.Seed, mujoco);
            if (mujoco is null)
            {
                progress?.Phase($"IEnv.Step warm-up ({spec.Id})", warm);
                envLoop.Restart(null);
                envLoop.Run(warm, progress, 0, cancellationToken);
                progress?.Phase($"IEnv.Step ({spec.Id})", steps);
                envLoop.Restart(null);
                var timer = LoopTimer.Start();
                envLoop.Run(steps, progress, 0, cancellationToken);
                var (wall, cpu) = timer.Stop();
                rows.Add(new BenchmarkRow($"IEnv.Step, one env ({spec.Id})", 1, steps, wall, cpu));
            }
            else
            {
                rows.AddRange(EnvAgainstNative(envLoop, mujoco, actions, act, steps, warm, progress, cancellationToken));
            }

            if (env.Find<IObservationSkipping>() is { } skipping)
            {
                // What an action-repeat wrapper costs for the frames the agent never sees: physics and reward only.
                skipping.SkipObservation = true;
                string label = $"IEnv.Step, observation not drawn ({spec.Id})";
                progress?.Phase(label, steps);
                envLoop.Restart(null);
                var timer = LoopTimer.Start();
                envLoop.Run(steps, progress, 0, cancellationToken);
                var (wall, cpu) = timer.Stop();
                rows.Add(new BenchmarkRow(label, 1, steps, wall, cpu));
                skipping.SkipObservation = false;
            }
        }

        foreach (int threads in request.Threads)
        {
            using var venv = VectorEnvFactory.Create(request.Envs, request.EnvId, request.NumEnvs, threads > 1, threads - 1);
            int n = venv.NumEnvs;
            long batches = Math.Max(1, request.Steps / n);
            string kind = threads > 1 ? "ThreadedVectorEnv" : "SyncVectorEnv";
            (double Wall, double? Cpu) Run(long count, string what)
            {
                progress?.Phase($"{kind}, {n} envs, {threads} thread(s){what}", count * n);
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
            Run(Math.Max(1, batches / 10), ", warm-up");
            var (wall, cpu) = Run(batches, "");
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
    /// IEnv.Step against the raw loop on the same trajectory. An untimed IEnv.Step pass records where episodes
    /// started and from which state; the raw loop (its own MjData of the asset: ctrl = action, mj_step x frame skip)
    /// restores those states at those steps, as MuJoCoEnv.Reset does (mj_resetData, qpos/qvel, mj_forward). The timed
    /// passes then run interleaved in chunks, alternating which goes first, so that a change of machine load hits
    /// both alike; each chunk is timed in wall-clock and thread CPU seconds. The native row's label says whether both
    /// loops ended in the recorded final state.
    /// </summary>
    private static IEnumerable<BenchmarkRow> EnvAgainstNative(EnvLoop envLoop, MuJoCoEnv mujoco, float[] actions, int act,
        long steps, long warm, ConsoleProgress? progress, CancellationToken ct)
    {
        using var model = MjModel.LoadXml(mujoco.AssetPath);
        var trajectory = new ResetLog(model.Nq, model.Nv);
        progress?.Phase($"IEnv.Step, recording the trajectory (untimed, {mujoco.Id})", steps);
        envLoop.Restart(trajectory);
        envLoop.Run(steps, progress, 0, ct);
        var final = new ResetLog(model.Nq, model.Nv);
        final.Add(steps, mujoco);

        using var native = new NativeLoop(model, mujoco.FrameSkip, actions, act, trajectory);
        progress?.Phase("native mj_step warm-up", warm);
        native.Restart();
        native.Run(warm, progress, 0, ct);

        progress?.Phase($"IEnv.Step and native mj_step, interleaved ({mujoco.Id})", 2 * steps);
        envLoop.Restart(null);
        native.Restart();
        int chunks = (int)Math.Clamp(steps / 2000, 1, 50);
        var (envTime, nativeTime) = (new TimeSum(), new TimeSum());
        for (int c = 1; c <= chunks; c++)
        {
            long end = steps * c / chunks;
            void TimeEnv() => envTime.Add(Timed(() => envLoop.Run(end, progress, native.Step, ct)));
            void TimeNative() => nativeTime.Add(Timed(() => native.Run(end, progress, envLoop.Step, ct)));
            if (c % 2 == 1)
            {
                TimeEnv();
                TimeNative();
            }
            else
            {
                TimeNative();
                TimeEnv();
            }
        }
        native.FinishAt(steps);
        bool same = final.Matches(0, native.Data) && final.Matches(0, mujoco);
        // Per chunk pair (same steps, adjacent in time), IEnv.Step's speed relative to the native loop; the median
        // ignores the pairs a burst of load hit on one side only.
        string? cpuMedian = TimeSum.MedianRatio(nativeTime.CpuChunks, envTime.CpuChunks) is { } cpuRatio
            ? string.Create(CultureInfo.InvariantCulture, $"thread CPU time {cpuRatio:0.00}, ") : null;
        string note = string.Create(CultureInfo.InvariantCulture,
            $"median over {chunks} interleaved chunk pairs of IEnv.Step's steps/s relative to the native loop: {cpuMedian}wall-clock {TimeSum.MedianRatio(nativeTime.WallChunks, envTime.WallChunks):0.00}");
        return
        [
            new BenchmarkRow($"native mj_step loop (frame skip {mujoco.FrameSkip}, {(same ? "same trajectory" : "trajectory differs")})",
                1, steps, nativeTime.Wall, nativeTime.Cpu),
            new BenchmarkRow($"IEnv.Step, one env ({mujoco.Id})", 1, steps, envTime.Wall, envTime.Cpu) { Note = note },
        ];
    }

    private static (double Wall, double? Cpu) Timed(Action work)
    {
        var timer = LoopTimer.Start();
        work();
        return timer.Stop();
    }

    /// <summary>Wall and CPU seconds of each chunk and their sums (CPU null once any chunk lacks it).</summary>
    private sealed class TimeSum
    {
        public List<double> WallChunks { get; } = [];
        public List<double>? CpuChunks { get; private set; } = [];

        public double Wall => WallChunks.Sum();
        public double? Cpu => CpuChunks?.Sum();

        public void Add((double Wall, double? Cpu) t)
        {
            WallChunks.Add(t.Wall);
            if (t.Cpu is { } c) CpuChunks?.Add(c);
            else CpuChunks = null;
        }

        /// <summary>Median over chunks of a[i] / b[i]; null when either is unknown or a time is zero.</summary>
        public static double? MedianRatio(List<double>? a, List<double>? b)
        {
            if (a is null || b is null || a.Count != b.Count || a.Count == 0 || b.Any(x => x <= 0)) return null;
            var r = a.Zip(b, (x, y) => x / y).Order().ToArray();
            return r.Length % 2 == 1 ? r[r.Length / 2] : 0.5 * (r[r.Length / 2 - 1] + r[r.Length / 2]);
        }
    }

    /// <summary>One env stepped through IEnv.Step with the drawn actions, resuming where the last call stopped.</summary>
    private sealed class EnvLoop(IEnv env, EnvSpec spec, float[] actions, int act, ulong seed, MuJoCoEnv? mujoco)
    {
        // Typed slots for any space; a flat float env writes into one float row exactly as a span.
        private readonly ObservationBatch _obs = new(spec.ObservationSpace, 1);
        private readonly float[] _terms = new float[spec.RewardTerms.Count];
        private readonly float[] _info = new float[spec.Info.Count];
        private ResetLog? _record;

        public long Step { get; private set; }

        /// <summary>Reset(seed): every pass follows the same trajectory (later resets draw from the reseeded generator).</summary>
        public void Restart(ResetLog? record)
        {
            _record = record;
            env.Reset(_obs.Row(0), seed);
            Step = 0;
            record?.Add(0, mujoco!);
        }

        /// <summary>Steps until step <paramref name="end"/>; progress shows <paramref name="others"/> + this loop's steps.</summary>
        public void Run(long end, ConsoleProgress? progress, long others, CancellationToken ct)
        {
            for (long s = Step; s < end; s++)
            {
                if ((s & (TickEvery - 1)) == 0) Tick(progress, others + s, ct);
                int k = (int)(s % ActionBlock);
                var r = env.Step(actions.AsSpan(k * act, act), _obs.Row(0), _terms, _info);
                if (r.Terminated || r.Truncated)
                {
                    env.Reset(_obs.Row(0));
                    _record?.Add(s + 1, mujoco!);
                }
            }
            Step = Math.Max(Step, end);
            progress?.Update(others + Step);
        }
    }

    /// <summary>The raw native loop replaying a recorded trajectory, resuming where the last call stopped.</summary>
    private sealed class NativeLoop(MjModel model, int frameSkip, float[] actions, int act, ResetLog trajectory) : IDisposable
    {
        private int _next;

        public MjData Data { get; } = new(model);
        public long Step { get; private set; }

        public void Restart() => (Step, _next) = (0, 0);

        public void Run(long end, ConsoleProgress? progress, long others, CancellationToken ct)
        {
            var data = Data;
            for (long s = Step; s < end; s++)
            {
                if (_next < trajectory.Count && trajectory.Steps[_next] == s) trajectory.Restore(_next++, data);
                if ((s & (TickEvery - 1)) == 0) Tick(progress, others + s, ct);
                var ctrl = data.Ctrl;
                int k = (int)(s % ActionBlock);
                for (int j = 0; j < act; j++) ctrl[j] = actions[k * act + j];
                for (int f = 0; f < frameSkip; f++) data.Step();
            }
            Step = Math.Max(Step, end);
            progress?.Update(others + Step);
        }

        /// <summary>Applies the reset the env did after its last step, if any, so the final states compare.</summary>
        public void FinishAt(long end)
        {
            if (_next < trajectory.Count && trajectory.Steps[_next] == end) trajectory.Restore(_next++, Data);
        }

        public void Dispose() => Data.Dispose();
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

        public bool Matches(int i, MuJoCoEnv env)
        {
            var state = new double[nq + nv];
            env.CopyState(state.AsSpan(0, nq), state.AsSpan(nq));
            return state.AsSpan().SequenceEqual(_states[i]);
        }
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
