using ControlRL.Core.Checkpoints;
using ControlRL.Core.Tasks;

namespace ControlRL.Learning.Curricula;

/// <summary>
/// A curriculum teacher: proposes the task of the next episode and learns from the outcome of finished ones.
/// Returns passed to <see cref="Update"/> are raw episode returns; teachers normalise them themselves
/// (<see cref="TeacherOptions.ReturnLow"/>, <see cref="TeacherOptions.ReturnHigh"/>). Not thread-safe.
/// </summary>
public interface ITeacher : IStatefulComponent
{
    TaskSpace Space { get; }

    /// <summary>Writes a task (inside <see cref="Space"/>) into <paramref name="task"/> (length <c>Space.Size</c>).</summary>
    void SampleTask(Span<float> task);

    /// <summary>Records that an episode on <paramref name="task"/> earned the raw return <paramref name="episodeReturn"/>.</summary>
    void Update(ReadOnlySpan<float> task, double episodeReturn);

    /// <summary>A snapshot for logging (allocates; call it at log time, not per step).</summary>
    TeacherDiagnostics Diagnostics { get; }
}

/// <summary>
/// One part of a teacher's model: a Gaussian of ALP-GMM / Covar-GMM (mean and covariance over the fitted
/// vector: task coordinates then ALP, or task then time then return) or a region of RIAC (bounds).
/// <see cref="Progress"/> is what the teacher samples proportionally to (ALP of the mean, positive time-return
/// covariance, region ALP).
/// </summary>
public sealed record TeacherComponent(double Weight, double Progress, double[] Mean, double[]? Covariance, float[]? Low = null, float[]? High = null);

/// <summary>Read-only view of a teacher's state for logging.</summary>
/// <param name="Teacher">Factory name of the teacher.</param>
/// <param name="Updates">Episodes the teacher has learned from.</param>
/// <param name="Samples">Tasks it has proposed.</param>
/// <param name="LastProgress">Learning progress of the last update (ALP for ALP-GMM, region ALP for RIAC, 0 otherwise).</param>
/// <param name="MeanRecentProgress">Mean progress over the last fitting window (ALP-GMM) or over regions (RIAC).</param>
/// <param name="Fits">Model refits (GMM fits or RIAC splits).</param>
/// <param name="Components">The current GMM components or regions (empty before the first fit).</param>
public sealed record TeacherDiagnostics(
    string Teacher, long Updates, long Samples, double LastProgress, double MeanRecentProgress, int Fits, IReadOnlyList<TeacherComponent> Components)
{
    /// <summary>Flat scalars for a metrics sink, keyed <c>curriculum/...</c>.</summary>
    public IReadOnlyDictionary<string, double> Scalars() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["curriculum/updates"] = Updates,
        ["curriculum/samples"] = Samples,
        ["curriculum/last_progress"] = LastProgress,
        ["curriculum/mean_progress"] = MeanRecentProgress,
        ["curriculum/fits"] = Fits,
        ["curriculum/components"] = Components.Count,
    };
}
