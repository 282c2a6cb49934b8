using System.Globalization;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Checkpoints;
using ControlRL.Core.Envs;
using ControlRL.Core.Vector;
using ControlRL.Envs.Driving;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Learning.Algorithms;
using ControlRL.Models.Policies;
using ControlRL.Scoring.Leaderboard;

namespace ControlRL.Cli.Benchmarks;

/// <summary>
/// The benchmark of evaluation during training (<c>eval_benchmark</c>): at every evaluation the policy being trained
/// drives the suite's routes deterministically, as <c>controlrl eval --benchmark</c> would drive the checkpoint written
/// at that step (the same frozen normalization, the leaderboard's rules), and the global record is logged as
/// <c>benchmark/driving_score</c>, <c>benchmark/route_completion</c>, <c>benchmark/infraction_penalty</c> and
/// <c>benchmark/&lt;infraction&gt;_per_km</c>; each evaluation's results.json and results.md are kept under
/// <c>benchmarks/&lt;suite&gt;/step_N/</c>. The training env and the trainer's random state are never touched.
/// </summary>
internal sealed class TrainingBenchmark : IDisposable
{
    private readonly EnvRegistry _envs;
    private readonly AlgorithmConfig _config;
    private readonly DrivingSuite _suite;
    private readonly string _dir;
    private IVectorEnv? _env;

    private TrainingBenchmark(EnvRegistry envs, AlgorithmConfig config, DrivingSuite suite, string dir)
    {
        (_envs, _config, _suite, _dir) = (envs, config, suite, dir);
    }

    /// <summary>The benchmark a config asks for, or null; a bad suite or a non-driving env is the user's error.</summary>
    public static TrainingBenchmark? Create(EnvRegistry envs, AlgorithmConfig config, string runRoot)
    {
        if (config.EvalBenchmark is not { } name) return null;
        if (!DrivingEnvs.Ids.Contains(config.EnvId))
            throw new CliUsageException($"eval_benchmark: '{name}' is a driving benchmark, and {config.EnvId} is not a driving env ({string.Join(", ", DrivingEnvs.Ids)}).");
        var suite = BenchmarkEval.LoadSuite(name);
        return new TrainingBenchmark(envs, config, suite, Path.Combine(runRoot, "benchmarks", suite.Name));
    }

    public string SuiteName => _suite.Name;

    /// <summary>The last run's global record and step.</summary>
    public GlobalRecord? Last { get; private set; }
    public long LastStep { get; private set; } = -1;

    /// <summary>Drives every route with <paramref name="policy"/> as trained in <paramref name="trainingEnv"/>; null when interrupted.</summary>
    public GlobalRecord? Run(IVectorEnv trainingEnv, ActorCritic policy, long step, CancellationToken cancel, Action<string, double, long> scalar)
    {
        var env = _env ??= AlgorithmEnvironment.BuildForEval(_envs, _config, _config.EnvId, Math.Min(_config.EvalBenchmarkEnvs, _suite.Routes.Count));
        StatefulComponents.Load(env.FindAll<IStatefulComponent>(), StatefulComponents.Save(trainingEnv.FindAll<IStatefulComponent>()));
        string outDir = Path.Combine(_dir, string.Create(CultureInfo.InvariantCulture, $"step_{step}"));
        if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); // a resumed run repeats the step
        var actor = new PolicyActor(policy, env.Buffers.ObservationSpace, _config.Seed ^ 0xBE_AC_11UL, _config.Device);
        using var driver = new CheckpointBenchmarkPolicy($"step_{step}", actor, owned: null);
        var outcome = DrivingBenchmarkRunner.Run(new DrivingBenchmarkRequest(_suite, outDir, Resume: false, new HashSet<string>()), env, driver, cancel);
        if (outcome.Global is not { } g) return null;
        Last = g;
        LastStep = step;
        scalar("benchmark/driving_score", g.Mean.Composed.Value, step);
        scalar("benchmark/route_completion", g.Mean.Route.Value, step);
        scalar("benchmark/infraction_penalty", g.Mean.Penalty.Value, step);
        for (int k = 0; k < InfractionKeys.All.Count; k++)
            scalar($"benchmark/{InfractionKeys.All[k]}_per_km", g.Infractions[k].Value, step);
        return g;
    }

    public void Dispose() => _env?.Dispose();
}
