using ControlRL.Core.Envs;

namespace ControlRL.Cli.Hosting;

/// <summary>
/// The implementations the binary uses. Until the trainer, evaluator and benchmarks are wired in here, the
/// commands parse, resolve and prepare everything and then stop with a clear message.
/// </summary>
public static class DefaultHosts
{
    public static ITrainerHost Trainer { get; } = new NotAvailable("training (PPO trainer)");
    public static IEvaluatorHost Evaluator { get; } = new NotAvailable("evaluation");
    public static IBenchmarkHost Benchmarks { get; } = new NotAvailable("benchmarks");

    private sealed class NotAvailable(string what) : ITrainerHost, IEvaluatorHost, IBenchmarkHost
    {
        private InvalidOperationException Error() => new($"{what} is not available in this build yet.");
        public int Train(TrainRequest request, CancellationToken cancellationToken) => throw Error();
        public EvalResult Evaluate(EvalRequest request, CancellationToken cancellationToken) => throw Error();
        public IReadOnlyList<BenchmarkRow> BenchEnv(EnvBenchRequest request, CancellationToken cancellationToken) => throw Error();
        public IReadOnlyList<BenchmarkRow> BenchPpo(PpoBenchRequest request, CancellationToken cancellationToken) => throw Error();
    }
}
