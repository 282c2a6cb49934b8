using System.Text;

namespace ControlRL.Cli.Logging;

/// <summary>
/// A log a host writes lines to (e.g. eval's per-episode lines) while a progress bar runs: each complete line goes to
/// <see cref="Destination"/> through <see cref="ConsoleProgress.Message"/>, so the bar is cleared first and redrawn
/// after, instead of the line landing in the middle of it.
/// </summary>
public sealed class ProgressLogWriter(ConsoleProgress progress, TextWriter destination) : TextWriter
{
    private readonly StringBuilder _line = new();

    public TextWriter Destination { get; } = destination;

    public override Encoding Encoding => Destination.Encoding;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
            progress.Message(_line.ToString(), Destination);
            _line.Clear();
        }
        else
        {
            _line.Append(value);
        }
    }

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            progress.Message(_line.ToString(), Destination);
            _line.Clear();
        }
        Destination.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }
}
