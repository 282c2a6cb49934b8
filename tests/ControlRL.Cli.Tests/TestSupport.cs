using ControlRL.Cli;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Cli.Tests;

/// <summary>A temporary folder removed at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "controlrl-cli-" + Guid.NewGuid().ToString("N")[..12]);
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A two-dimensional point-mass env, enough for registry, describe and train plumbing tests.</summary>
public sealed class FakeEnv : IEnv
{
    public const string Id = "FakePoint-v0";

    public EnvSpec Spec { get; } = new(Id,
        new Box([float.NegativeInfinity, float.NegativeInfinity, -1f], [float.PositiveInfinity, float.PositiveInfinity, 1f]),
        Box.Uniform(2, -1f, 1f), Dt: 0.05, FrameSkip: 5, MaxEpisodeSteps: 200, RewardTerms: ["distance", "ctrl_cost"])
    {
        Notes = "test env",
    };

    public void Reset(ObsRow row, ulong? seed = null) => row.Float().Clear();

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default)
    {
        Span<float> observation = row.Float();
        rewardTerms.Clear();
        return new StepOutcome(0f, false, false);
    }

    public void Dispose() { }
}

public sealed class FakeDiscreteEnv : IEnv
{
    public EnvSpec Spec { get; } = new("FakeDiscrete-v0", Box.Uniform(4, -5f, 5f), new Discrete(2), 0.02, 1, 500, ["alive"]);
    public void Reset(ObsRow row, ulong? seed = null) => row.Float().Clear();
    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow row, Span<float> rewardTerms, Span<float> info = default) => new(1f, false, false);
    public void Dispose() { }
}

/// <summary>Records what the commands hand to the hosts.</summary>
public sealed class RecordingHosts : ITrainerHost, IEvaluatorHost, IBenchmarkHost
{
    public TrainRequest? Train { get; private set; }
    public EvalRequest? Eval { get; private set; }
    public EnvBenchRequest? EnvBench { get; private set; }
    public PpoBenchRequest? PpoBench { get; private set; }
    public Action<TrainRequest>? OnTrain { get; set; }
    public Action<EvalRequest>? OnEval { get; set; }
    public Action<EnvBenchRequest>? OnBenchEnv { get; set; }
    public Action<PpoBenchRequest>? OnBenchPpo { get; set; }

    int ITrainerHost.Train(TrainRequest request, CancellationToken cancellationToken)
    {
        Train = request;
        request.Begin(); // as a real host does once its env and trainer are built
        OnTrain?.Invoke(request);
        return ExitCodes.Ok;
    }

    public EvalResult Evaluate(EvalRequest request, CancellationToken cancellationToken)
    {
        Eval = request;
        OnEval?.Invoke(request);
        return new EvalResult(request.EnvId ?? FakeEnv.Id, [10, 20, 30], [100, 100, 100]);
    }

    public IReadOnlyList<BenchmarkRow> BenchEnv(EnvBenchRequest request, CancellationToken cancellationToken)
    {
        EnvBench = request;
        OnBenchEnv?.Invoke(request);
        return request.Threads.Select(t => new BenchmarkRow("threaded", t, request.Steps, 1.0)).ToArray();
    }

    public IReadOnlyList<BenchmarkRow> BenchPpo(PpoBenchRequest request, CancellationToken cancellationToken)
    {
        PpoBench = request;
        OnBenchPpo?.Invoke(request);
        return [new BenchmarkRow("ppo", 1, request.Config.BatchSize * request.Updates, 2.0)];
    }
}

/// <summary>Runs the CLI in-process with fake envs and hosts, capturing stdout/stderr.</summary>
public sealed class CliHarness
{
    public RecordingHosts Hosts { get; } = new();
    public StringWriter Out { get; } = new();
    public StringWriter Err { get; } = new();
    public string ConfigRoot { get; init; } = Repo.ConfigRoot;

    /// <summary>Cancel it to act like Ctrl+C on the running command.</summary>
    public CancellationTokenSource Interrupt { get; } = new();

    public static EnvRegistry FakeRegistry()
    {
        var reg = new EnvRegistry();
        reg.Register(FakeEnv.Id, () => new FakeEnv());
        reg.Register("FakeDiscrete-v0", () => new FakeDiscreteEnv());
        return reg;
    }

    public int Run(params string[] args) => CliApp.Run(args, Services());

    /// <summary>The services <see cref="Run"/> uses; <paramref name="real"/>: the binary's hosts instead of the recording ones.</summary>
    public CliServices Services(bool real = false) => new()
    {
        Envs = FakeRegistry,
        Trainer = real ? DefaultHosts.Trainer : Hosts,
        Evaluator = real ? DefaultHosts.Evaluator : Hosts,
        Benchmarks = real ? DefaultHosts.Benchmarks : Hosts,
        Out = Out,
        Err = Err,
        Now = () => new DateTime(2026, 1, 2, 3, 4, 5),
        ConfigRoot = ConfigRoot,
        InteractiveConsole = false,
        Interrupt = Interrupt.Token,
    };
}

public static class Repo
{
    /// <summary>The checkout's root (holds ControlRL.sln).</summary>
    public static string Root { get; } = FindRoot();

    public static string ConfigRoot => Path.Combine(Root, "configs");

    public static string TaskConfigDirectory => Path.Combine(ConfigRoot, "ppo");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ControlRL.sln"))) return d.FullName;
        throw new InvalidOperationException("ControlRL.sln not found above the test binaries.");
    }
}

/// <summary>Real (tiny) PPO checkpoints of the fake envs, for resume and eval plumbing tests.</summary>
public static class FakeCheckpoint
{
    /// <summary>Writes a verified checkpoint of an untrained PPO policy on <paramref name="envId"/> into <paramref name="dir"/>.</summary>
    public static string Write(string dir, string envId = FakeEnv.Id, Action<ControlRL.Learning.Ppo.PpoConfig>? configure = null)
    {
        var cfg = new ControlRL.Learning.Ppo.PpoConfig { EnvId = envId, NumSteps = 64, NumMinibatches = 2, TotalTimesteps = 4096 };
        configure?.Invoke(cfg);
        using var env = ControlRL.Learning.Ppo.PpoEnvironment.Build(CliHarness.FakeRegistry(), cfg);
        using var policy = ControlRL.Learning.Ppo.PolicyFactory.Create(env.Spec, cfg);
        using var trainer = new ControlRL.Learning.Ppo.PpoTrainer(cfg, env, policy);
        ControlRL.Learning.Checkpoints.PpoCheckpoint.Save(trainer, dir);
        return dir;
    }
}

/// <summary>Runs the CLI in-process with the real trainer, evaluator and benchmarks over the given envs.</summary>
public static class RealCli
{
    public static (int Code, string Out, string Err) Run(Func<EnvRegistry> envs, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, new CliServices
        {
            Envs = envs,
            Trainer = DefaultHosts.Trainer,
            Evaluator = DefaultHosts.Evaluator,
            Benchmarks = DefaultHosts.Benchmarks,
            Out = output,
            Err = error,
            InteractiveConsole = false,
        });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A registry of the fake point env plus the given envs.</summary>
    public static Func<EnvRegistry> With(params (string Id, Func<IEnv> Make)[] envs) => () =>
    {
        var r = new EnvRegistry();
        foreach (var (id, make) in envs) r.Register(id, make);
        r.Register(FakeEnv.Id, () => new FakeEnv());
        return r;
    };
}
