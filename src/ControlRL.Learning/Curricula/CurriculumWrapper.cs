using ControlRL.Core.Checkpoints;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Learning.Curricula;

/// <summary>
/// Lets a <see cref="ITeacher"/> choose the task of every episode of a parameterized vector env and learn from
/// each finished episode's raw return (the sum of <see cref="VectorBuffers.Rewards"/>). It must sit inside any
/// reward normalization (directly on the vector env or on wrappers that leave rewards alone); the constructor
/// refuses a <see cref="NormalizeReward"/> below it. Checkpoints collecting <see cref="IStatefulComponent"/>s
/// from the wrapper chain save and restore the teacher through it.
/// </summary>
/// <remarks>
/// Same-step autoreset starts env i's next episode inside the inner Step with its pending task, before this
/// wrapper sees the finished one, so the pending task is always drawn one episode ahead: the task of episode
/// e + 1 is chosen before the outcome of episode e is known. With many envs this lag is small next to the
/// teacher's fitting period.
/// </remarks>
public sealed class CurriculumWrapper : VectorWrapper, IStatefulComponent
{
    private readonly double[] _returns;

    public CurriculumWrapper(IVectorEnv inner, ITeacher teacher) : base(inner)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        var space = inner.TaskSpace
            ?? throw new ArgumentException($"Env '{inner.Spec.Id}' has no task space (its sub-envs are not IParameterizedEnv), so a curriculum cannot choose its tasks.", nameof(inner));
        if (space.Describe() != teacher.Space.Describe())
            throw new ArgumentException($"The teacher's task space ({teacher.Space.Describe()}) differs from env '{inner.Spec.Id}''s ({space.Describe()}).", nameof(teacher));
        if (inner.Find<NormalizeReward>() is not null)
            throw new ArgumentException($"CurriculumWrapper must wrap env '{inner.Spec.Id}' inside NormalizeReward so the teacher sees raw returns.", nameof(inner));
        Teacher = teacher;
        _returns = new double[inner.NumEnvs];
    }

    public ITeacher Teacher { get; }

    /// <summary>
    /// Called for each finished episode after the teacher learned from it: env index, task, raw return and the
    /// teacher's progress signal for it (ALP for ALP-GMM). For logs and plots; the span is valid during the call.
    /// </summary>
    public event EpisodeReportedHandler? EpisodeReported;

    /// <summary>Episodes reported to the teacher.</summary>
    public long EpisodesReported { get; private set; }

    /// <summary>Running raw return of env <paramref name="i"/>'s current episode.</summary>
    public double RunningReturn(int i) => _returns[i];

    public string StateName => "curriculum";

    public void SaveState(IDictionary<string, double[]> state) => Teacher.SaveState(state);

    public void LoadState(IReadOnlyDictionary<string, double[]> state) => Teacher.LoadState(state);

    // The inner reset starts every env with its pending task: choose the first episodes' tasks.
    protected override void BeforeReset()
    {
        var b = Buffers;
        for (int i = 0; i < b.NumEnvs; i++) Teacher.SampleTask(b.PendingTask(i));
    }

    // Episodes cut short by a reset are not reported. Draw the second episodes' tasks now, or each env would
    // replay its first task (the pending row still holds it).
    protected override void OnReset()
    {
        Array.Clear(_returns);
        var b = Buffers;
        for (int i = 0; i < b.NumEnvs; i++) Teacher.SampleTask(b.PendingTask(i));
    }

    protected override void OnStep(ReadOnlySpan<float> actions)
    {
        var b = Buffers;
        var rewards = b.Rewards;
        for (int i = 0; i < _returns.Length; i++)
        {
            _returns[i] += rewards[i];
            if (!b.Done(i)) continue;
            Teacher.Update(b.FinishedTask(i), _returns[i]);
            if (EpisodeReported is { } report) report(i, b.FinishedTask(i), _returns[i], Teacher.Diagnostics.LastProgress);
            _returns[i] = 0;
            EpisodesReported++;
            // The env already started its next episode with the old pending task: this one is for the episode after.
            Teacher.SampleTask(b.PendingTask(i));
        }
    }
}

/// <summary>See <see cref="CurriculumWrapper.EpisodeReported"/>.</summary>
public delegate void EpisodeReportedHandler(int envIndex, ReadOnlySpan<float> task, double episodeReturn, double progress);
