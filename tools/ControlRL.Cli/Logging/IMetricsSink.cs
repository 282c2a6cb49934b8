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
    /// <summary>
    /// The sinks of a run folder: progress.csv and tb/ event files. A run resumed from the checkpoint at
    /// <paramref name="resumedAt"/> first drops the CSV rows logged after it and marks the restart for TensorBoard.
    /// </summary>
    public static CompositeMetricsSink ForRun(Runs.RunDirectory run, long? resumedAt = null, TextWriter? log = null)
    {
        if (resumedAt is { } step)
        {
            int dropped = CsvMetricsSink.TruncateAfter(run.ProgressCsvPath, step);
            if (dropped > 0) log?.WriteLine($"progress.csv: dropped {dropped} rows logged after step {step} (the resumed run logs them again)");
        }
        return new(new CsvMetricsSink(run.ProgressCsvPath), new TensorBoardSink(run.TensorBoardDir, resumedAt + 1));
    }
}

/// <summary>
/// The run's sinks, opened only when training starts (<see cref="Open"/>), so a command that refuses its input
/// while building the env or loading a checkpoint writes no log files. Also catches I/O failures (a full disk):
/// the first one is kept in <see cref="Failure"/> and logging stops, so the trainer can checkpoint and stop cleanly
/// instead of dying mid-step.
/// </summary>
public sealed class RunMetricsSink : IMetricsSink, IDisposable
{
    private CompositeMetricsSink? _inner;

    public Exception? Failure { get; private set; }

    public void Open(CompositeMetricsSink sinks) => _inner = sinks;

    public void Scalar(string tag, double value, long step)
    {
        if (_inner is null || Failure is not null) return;
        try
        {
            _inner.Scalar(tag, value, step);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failure = e;
        }
    }

    public void Flush()
    {
        if (_inner is null || Failure is not null) return;
        try
        {
            _inner.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failure = e;
        }
    }

    public void Dispose()
    {
        try
        {
            _inner?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failure ??= e;
        }
        _inner = null;
    }
}
