namespace ControlRL.Cli.Logging;

/// <summary>
/// Where the trainer sends scalars (CleanRL tags: <c>charts/episodic_return</c>, <c>losses/value_loss</c>, ...).
/// Calls with the same step form one logged row; <see cref="Flush"/> makes everything so far durable.
/// </summary>
public interface IMetricsSink
{
    void Scalar(string tag, double value, long step);
    void Flush();
}

/// <summary>Sends every scalar to several sinks (the run's CSV and TensorBoard files).</summary>
public sealed class CompositeMetricsSink(params IMetricsSink[] sinks) : IMetricsSink, IDisposable
{
    public void Scalar(string tag, double value, long step)
    {
        foreach (var s in sinks) s.Scalar(tag, value, step);
    }

    public void Flush()
    {
        foreach (var s in sinks) s.Flush();
    }

    public void Dispose()
    {
        foreach (var s in sinks) (s as IDisposable)?.Dispose();
    }
}

/// <summary>Drops everything (benchmarks, tests).</summary>
public sealed class NullMetricsSink : IMetricsSink
{
    public static readonly NullMetricsSink Instance = new();
    public void Scalar(string tag, double value, long step) { }
    public void Flush() { }
}

public static class MetricsSinks
{
    /// <summary>The sinks of a run folder: progress.csv and tb/ event files (appending when resuming).</summary>
    public static CompositeMetricsSink ForRun(Runs.RunDirectory run) =>
        new(new CsvMetricsSink(run.ProgressCsvPath), new TensorBoardSink(run.TensorBoardDir));
}
