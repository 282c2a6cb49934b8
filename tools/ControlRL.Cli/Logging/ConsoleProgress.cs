using System.Diagnostics;
using System.Globalization;

namespace ControlRL.Cli.Logging;

public enum ProgressMode
{
    /// <summary>One line redrawn in place with \r (an interactive terminal).</summary>
    Bar,

    /// <summary>A plain line every N updates (stderr redirected to a file or CI log, or --no-progress).</summary>
    Plain,

    /// <summary>Nothing.</summary>
    Silent,
}

/// <summary>
/// Training progress on stderr: steps/total, percent, steps per second, recent mean episodic return and ETA.
/// The bar redraws at most every <see cref="MinRedraw"/>; the trainer may call <see cref="Update"/> as often as
/// it likes (typically once per PPO update).
/// </summary>
public sealed class ConsoleProgress
{
    public static readonly TimeSpan MinRedraw = TimeSpan.FromMilliseconds(250);
    private const int BarWidth = 24;

    private readonly TextWriter _out;
    private readonly Func<TimeSpan> _clock;
    private long _startStep;
    private TimeSpan _startTime;
    private readonly int _plainEvery;
    private TimeSpan? _lastDraw;
    private int _lastWidth;
    private long _updates;
    private long _step;
    private double? _meanReturn;

    /// <param name="totalSteps">Global step at which training ends.</param>
    /// <param name="startStep">Global step training starts from (non-zero when resuming), so SPS counts only this process.</param>
    /// <param name="clock">Elapsed time source (tests pass a fake one).</param>
    /// <param name="plainEvery">In <see cref="ProgressMode.Plain"/>, print one line per this many updates.</param>
    public ConsoleProgress(long totalSteps, TextWriter output, ProgressMode mode, long startStep = 0,
        Func<TimeSpan>? clock = null, int plainEvery = 10)
    {
        TotalSteps = totalSteps;
        _out = output;
        Mode = mode;
        _startStep = _step = startStep;
        _plainEvery = Math.Max(1, plainEvery);
        if (clock is null)
        {
            var sw = Stopwatch.StartNew();
            clock = () => sw.Elapsed;
        }
        _clock = clock;
    }

    /// <summary>The bar on an interactive stderr; plain lines when stderr is redirected or --no-progress was given.</summary>
    public static ConsoleProgress ForConsole(long totalSteps, bool noProgress, long startStep = 0) =>
        new(totalSteps, Console.Error, noProgress || Console.IsErrorRedirected ? ProgressMode.Plain : ProgressMode.Bar, startStep);

    public long TotalSteps { get; }
    public ProgressMode Mode { get; }

    /// <summary>Reports the global step and, when known, the mean return of recent episodes.</summary>
    public void Update(long globalStep, double? meanReturn = null)
    {
        _step = globalStep;
        if (meanReturn is { } r && double.IsFinite(r)) _meanReturn = r;
        _updates++;
        switch (Mode)
        {
            case ProgressMode.Bar:
                var now = _clock();
                if (_lastDraw is not { } last || now - last >= MinRedraw || globalStep >= TotalSteps) DrawBar(now);
                break;
            case ProgressMode.Plain:
                if (_updates == 1 || _updates % _plainEvery == 0 || globalStep >= TotalSteps) _out.WriteLine(PlainLine());
                break;
        }
    }

    /// <summary>
    /// Training resumed at <paramref name="globalStep"/>: steps per second and the ETA count from here, so a resumed
    /// run does not report the steps of its earlier processes as done in this one.
    /// </summary>
    public void StartAt(long globalStep)
    {
        _startStep = _step = globalStep;
        _startTime = _clock();
    }

    /// <summary>Prints a message line without corrupting the bar (the bar is redrawn on the next update).</summary>
    public void Message(string line)
    {
        if (Mode == ProgressMode.Bar && _lastWidth > 0)
        {
            _out.Write('\r' + new string(' ', _lastWidth) + '\r');
            _lastWidth = 0;
            _lastDraw = null;
        }
        _out.WriteLine(line);
    }

    /// <summary>Ends the bar's line (call once when training stops).</summary>
    private bool _finished;

    /// <summary>Ends the bar (or prints the last plain line); later calls do nothing.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        if (Mode == ProgressMode.Bar)
        {
            DrawBar(_clock());
            _out.WriteLine();
            _lastWidth = 0;
        }
        else if (Mode == ProgressMode.Plain && _updates % _plainEvery != 0 && _step < TotalSteps)
        {
            _out.WriteLine(PlainLine());
        }
        _out.Flush();
    }

    /// <summary>Steps per second since this progress started (0 before any time passed).</summary>
    public double StepsPerSecond
    {
        get
        {
            double s = (_clock() - _startTime).TotalSeconds;
            return s > 0 ? (_step - _startStep) / s : 0;
        }
    }

    private void DrawBar(TimeSpan now)
    {
        _lastDraw = now;
        double frac = TotalSteps > 0 ? Math.Clamp((double)_step / TotalSteps, 0, 1) : 0;
        int filled = (int)Math.Round(frac * BarWidth);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {Stats()}");
        int pad = Math.Max(0, _lastWidth - line.Length);
        _out.Write('\r' + line + new string(' ', pad));
        _out.Flush();
        _lastWidth = line.Length;
    }

    private string PlainLine() => "progress: " + Stats();

    private string Stats()
    {
        double frac = TotalSteps > 0 ? Math.Clamp((double)_step / TotalSteps, 0, 1) : 0;
        double sps = StepsPerSecond;
        string ret = _meanReturn is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "-";
        string eta = sps > 0 && _step < TotalSteps ? FormatDuration(TimeSpan.FromSeconds((TotalSteps - _step) / sps)) : "--:--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"{_step:N0}/{TotalSteps:N0} {frac * 100,5:0.0}% | {sps:N0} SPS | return {ret} | ETA {eta}");
    }

    internal static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 100 ? $"{(int)t.TotalHours}h" : $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}";
}
