using System.Diagnostics;
using System.Globalization;

namespace ControlRL.Cli.Logging;

public enum ProgressMode
{
    /// <summary>One line redrawn in place with \r (an interactive terminal).</summary>
    Bar,

    /// <summary>
    /// A plain line every N updates, or every few seconds when built with a plain interval (stderr redirected to a
    /// file or CI log, or --no-progress).
    /// </summary>
    Plain,

    /// <summary>Nothing.</summary>
    Silent,
}

/// <summary>
/// Progress of a long command on stderr: done/total, percent, rate, recent mean episodic return (when known) and
/// ETA. Training counts env steps (rate in SPS); other commands count their own unit (episodes, checkpoints,
/// update steps) and may run several phases one after another (<see cref="Phase"/>), each with a label and a total.
/// The bar redraws at most every <see cref="MinRedraw"/>; callers may call <see cref="Update"/> as often as they like.
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
    private readonly TimeSpan? _plainInterval;
    private TimeSpan? _lastPlain;
    private bool _plainStale;
    private bool _open;
    private TimeSpan? _lastDraw;
    private int _lastWidth;
    private long _updates;
    private long _step;
    private double? _meanReturn;

    /// <param name="totalSteps">Global step at which training ends.</param>
    /// <param name="startStep">Global step training starts from (non-zero when resuming), so SPS counts only this process.</param>
    /// <param name="clock">Elapsed time source (tests pass a fake one).</param>
    /// <param name="plainEvery">In <see cref="ProgressMode.Plain"/>, print one line per this many updates.</param>
    /// <param name="unit">What is counted: "steps" (training: the rate reads SPS) or e.g. "episodes", "checkpoints".</param>
    /// <param name="label">Shown before the counts, e.g. the benchmark case; <see cref="Phase"/> changes it.</param>
    /// <param name="plainInterval">In <see cref="ProgressMode.Plain"/>, print a line each time this much time has passed
    /// since the last one (or the phase's start), and at the end of each phase, instead of every
    /// <paramref name="plainEvery"/> updates.</param>
    public ConsoleProgress(long totalSteps, TextWriter output, ProgressMode mode, long startStep = 0,
        Func<TimeSpan>? clock = null, int plainEvery = 10, string unit = "steps", string? label = null,
        TimeSpan? plainInterval = null)
    {
        TotalSteps = totalSteps;
        _out = output;
        Mode = mode;
        Unit = unit;
        Label = label;
        _startStep = _step = startStep;
        _plainEvery = Math.Max(1, plainEvery);
        _plainInterval = plainInterval;
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

    /// <summary>
    /// A bar on an interactive stderr; otherwise a plain line every <paramref name="plainInterval"/> (default 5 s).
    /// </summary>
    /// <param name="interactive">False when the caller knows there is no terminal (tests, --no-progress).</param>
    public static ConsoleProgress ForTask(TextWriter output, bool interactive, long total, string unit, string? label = null,
        TimeSpan? plainInterval = null) =>
        new(total, output, interactive && !Console.IsErrorRedirected ? ProgressMode.Bar : ProgressMode.Plain,
            unit: unit, label: label, plainInterval: plainInterval ?? TimeSpan.FromSeconds(5));

    /// <summary>The total of the current phase (in <see cref="Unit"/>).</summary>
    public long TotalSteps { get; private set; }
    public ProgressMode Mode { get; }

    /// <summary>What is counted ("steps", "episodes", ...).</summary>
    public string Unit { get; }

    /// <summary>The current phase's label, or null; shown from the next redraw.</summary>
    public string? Label { get; set; }

    /// <summary>
    /// Added to every <see cref="Update"/>'s count, so a callee can count from 0 inside a larger total (eval
    /// --all-checkpoints: the episodes of checkpoint k come after those of the first k-1).
    /// </summary>
    public long Offset { get; set; }

    /// <summary>
    /// Starts a new phase counting from 0 to <paramref name="total"/> (e.g. the next benchmark case): the current
    /// one, if it saw any update, ends with its final line.
    /// </summary>
    public void Phase(string label, long total)
    {
        if (_open) EndLine();
        Label = label;
        TotalSteps = total;
        _startStep = _step = 0;
        Offset = 0;
        _startTime = _clock();
        _updates = 0;
        _lastDraw = null;
        _lastPlain = null;
        _plainStale = false;
        _meanReturn = null;
    }

    /// <summary>Reports the global step and, when known, the mean return of recent episodes.</summary>
    public void Update(long globalStep, double? meanReturn = null)
    {
        globalStep += Offset;
        _step = globalStep;
        _open = true;
        if (meanReturn is { } r && double.IsFinite(r)) _meanReturn = r;
        _updates++;
        switch (Mode)
        {
            case ProgressMode.Bar:
                var now = _clock();
                if (_lastDraw is not { } last || now - last >= MinRedraw || globalStep >= TotalSteps) DrawBar(now);
                break;
            case ProgressMode.Plain:
                if (PlainDue(globalStep)) WritePlain();
                else _plainStale = true;
                break;
        }
    }

    private bool PlainDue(long step)
    {
        if (step >= TotalSteps) return true;
        // Timed lines: the first one after an interval of work, so a phase that ends sooner prints its final line only.
        if (_plainInterval is { } every) return _clock() - (_lastPlain ?? _startTime) >= every;
        return _updates == 1 || _updates % _plainEvery == 0;
    }

    private void WritePlain()
    {
        _lastPlain = _clock();
        _plainStale = false;
        _out.WriteLine(PlainLine());
        _out.Flush();
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

    /// <summary>
    /// Prints a message line without corrupting the bar (the bar is redrawn on the next update), on the progress
    /// stream or on <paramref name="to"/> (e.g. stdout, with the bar on stderr).
    /// </summary>
    public void Message(string line, TextWriter? to = null)
    {
        if (Mode == ProgressMode.Bar && _lastWidth > 0)
        {
            _out.Write('\r' + new string(' ', _lastWidth) + '\r');
            _out.Flush();
            _lastWidth = 0;
            _lastDraw = null;
        }
        (to ?? _out).WriteLine(line);
        if (to is not null && to != _out) to.Flush();
    }

    /// <summary>Ends the bar's line (call when the work stops; again is harmless, as is before any update).</summary>
    public void Finish()
    {
        if (_open) EndLine();
        _out.Flush();
    }

    private void EndLine()
    {
        _open = false;
        if (Mode == ProgressMode.Bar)
        {
            DrawBar(_clock());
            _out.WriteLine();
            _lastWidth = 0;
        }
        else if (Mode == ProgressMode.Plain &&
                 (_plainInterval is null ? _updates % _plainEvery != 0 && _step < TotalSteps : _plainStale))
        {
            WritePlain();
        }
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
        string label = Label is null ? "" : Label + ": ";
        if (Unit == "steps" && Label is null)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{_step:N0}/{TotalSteps:N0} {frac * 100,5:0.0}% | {sps:N0} SPS | return {ret} | ETA {eta}");
        }
        string rate = sps >= 100 ? sps.ToString("N0", CultureInfo.InvariantCulture) : sps.ToString("0.0#", CultureInfo.InvariantCulture);
        string returns = _meanReturn is null ? "" : $" | return {ret}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{label}{_step:N0}/{TotalSteps:N0} {Unit} {frac * 100,5:0.0}% | {rate} {Unit}/s{returns} | ETA {eta}");
    }

    internal static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 100 ? $"{(int)t.TotalHours}h" : $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}";
}
