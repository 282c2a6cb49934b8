using ControlRL.Cli.Bench;
using ControlRL.Cli.Evaluation;

namespace ControlRL.Cli.Hosting;

/// <summary>The implementations the <c>controlrl</c> binary uses (tests substitute fakes through <see cref="CliServices"/>).</summary>
public static class DefaultHosts
{
    public static ITrainerHost Trainer { get; } = new AlgorithmTrainerHost();
    public static IEvaluatorHost Evaluator { get; } = new PolicyEvaluatorHost();
    public static IBenchmarkHost Benchmarks { get; } = new BenchmarkHost();
}
