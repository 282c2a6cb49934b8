using System.Globalization;
using ControlRL.Cli.Runs;
using ControlRL.Learning.Evaluation;

namespace ControlRL.Cli.Training;

/// <summary>What <c>controlrl train</c> prints when it ends: how far, how good, and where everything is.</summary>
public sealed record TrainSummary
{
    public required RunDirectory Run { get; init; }
    public long Steps { get; init; }
    public long TotalTimesteps { get; init; }
    public long StepsThisCall { get; init; }
    public TimeSpan Elapsed { get; init; }
    public double? TrainingReturn { get; init; }
    public EvaluationResult? FinalEval { get; init; }
    public long FinalEvalStep { get; init; }
    public double? BestReturn { get; init; }
    public long BestStep { get; init; }
    public string? Checkpoint { get; init; }
    public double? StoppedEarly { get; init; }

    public void Write(TextWriter w)
    {
        var c = CultureInfo.InvariantCulture;
        w.WriteLine("summary:");
        double sps = StepsThisCall / Math.Max(Elapsed.TotalSeconds, 1e-9);
        w.WriteLine(string.Create(c, $"  steps: {Steps:N0} of {TotalTimesteps:N0}; this run {StepsThisCall:N0} in {Format(Elapsed)} ({sps:N0} steps/s)"));
        if (StoppedEarly is { } target)
            w.WriteLine(string.Create(c, $"  stopped early: an evaluation reached eval_stop_reward {target:0.##}"));
        if (TrainingReturn is { } tr)
            w.WriteLine(string.Create(c, $"  training return (last 20 episodes): {tr:0.00}"));
        if (FinalEval is { Returns.Count: > 0 } e)
            w.WriteLine(string.Create(c, $"  final eval: {e.MeanReturn:0.00} ± {e.StdReturn:0.00} over {e.Returns.Count} deterministic episodes at step {FinalEvalStep:N0}"));
        if (BestReturn is { } b)
            w.WriteLine(string.Create(c, $"  best eval: {b:0.00} at step {BestStep:N0} -> {Run.BestCheckpointDir}"));
        if (Checkpoint is not null) w.WriteLine($"  checkpoint: {Checkpoint}");
        w.WriteLine($"  logs: {Run.ProgressCsvPath}, {Run.TensorBoardDir}/ (tensorboard --logdir {Path.GetDirectoryName(Run.Root)})");
        if (Directory.Exists(Run.VideosDir) && Directory.EnumerateFiles(Run.VideosDir).Any()) w.WriteLine($"  videos: {Run.VideosDir}/");
        w.WriteLine($"  evaluate: controlrl eval {Run.Root}");
    }

    private static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds:D2}s" : $"{t.TotalSeconds:0.0}s";
}
