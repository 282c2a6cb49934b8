using System.Globalization;

namespace ControlRL.Cli.Logging;

/// <summary>
/// Writes TensorBoard scalar event files (<c>events.out.tfevents.{time}.{host}.{pid}.{n}</c>) in TFRecord
/// framing. Written in-process rather than through TorchSharp's SummaryWriter so logging needs no native
/// libtorch (plots, tests and env-only commands) and so <see cref="Flush"/> really reaches the disk.
/// A resumed run starts a new event file in the same folder; TensorBoard merges them.
/// </summary>
public sealed class TensorBoardSink : IMetricsSink, IDisposable
{
    private static int _counter;
    private readonly FileStream _stream;
    private readonly Lock _lock = new();

    /// <param name="restartStep">For a resumed run: the first step it logs again. Earlier files' events from
    /// there on were logged after the checkpoint and are superseded; a SessionLog START tells TensorBoard so.</param>
    public TensorBoardSink(string directory, long? restartStep = null)
    {
        Directory.CreateDirectory(directory);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string host = Environment.MachineName;
        int n = Interlocked.Increment(ref _counter);
        FilePath = Path.Combine(directory,
            string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{now:D10}.{host}.{Environment.ProcessId}.{n}"));
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        TfRecord.Write(_stream, new TfEvent(WallTime(), 0, "brain.Event:2", []).Encode());
        if (restartStep is { } s) TfRecord.Write(_stream, new TfEvent(WallTime(), s, null, []) { SessionStart = true }.Encode());
        _stream.Flush();
    }

    public string FilePath { get; }

    public void Scalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        byte[] record = new TfEvent(WallTime(), step, null, [new TfScalar(tag, (float)value)]).Encode();
        lock (_lock) TfRecord.Write(_stream, record);
    }

    public void Flush()
    {
        lock (_lock) _stream.Flush(flushToDisk: false);
    }

    public void Dispose()
    {
        lock (_lock) _stream.Dispose();
    }

    /// <summary>Reads the scalars of an event file back (checks every CRC); used by tests and tools.</summary>
    public static IEnumerable<TfEvent> ReadEvents(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        foreach (var rec in TfRecord.ReadAll(fs)) yield return TfEvent.Decode(rec);
    }

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
