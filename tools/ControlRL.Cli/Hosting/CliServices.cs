using ControlRL.Core.Envs;

namespace ControlRL.Cli.Hosting;

/// <summary>
/// What the commands depend on, so tests can substitute fakes and capture output. <see cref="Default"/> is what
/// the <c>controlrl</c> binary uses.
/// </summary>
public sealed class CliServices
{
    public required Func<EnvRegistry> Envs { get; init; }
    /// <summary>Trains any algorithm (the default dispatches on <c>Config.Algo</c> through <see cref="TrainerHosts"/>).</summary>
    public required ITrainerHost Trainer { get; init; }
    public required IEvaluatorHost Evaluator { get; init; }
    public required IBenchmarkHost Benchmarks { get; init; }
    public TextWriter Out { get; init; } = Console.Out;
    public TextWriter Err { get; init; } = Console.Error;

    /// <summary>Clock for run-folder names.</summary>
    public Func<DateTime> Now { get; init; } = () => DateTime.Now;

    /// <summary>Folder holding each algorithm's per-task configs (configs/ppo/&lt;env&gt;.yaml).</summary>
    public string ConfigRoot { get; init; } = Config.ConfigLoader.DefaultConfigRoot;

    /// <summary>False in tests: no interactive progress bar.</summary>
    public bool InteractiveConsole { get; init; } = true;

    /// <summary>Cancelling it acts like Ctrl+C on the running command (tests use it; the binary has Ctrl+C only).</summary>
    public CancellationToken Interrupt { get; init; }

    public static CliServices Default() => new()
    {
        Envs = Registries.CreateEnvRegistry,
        Trainer = DefaultHosts.Trainer,
        Evaluator = DefaultHosts.Evaluator,
        Benchmarks = DefaultHosts.Benchmarks,
    };
}
