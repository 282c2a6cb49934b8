namespace ControlRL.Core.Vector;

/// <summary>
/// The batched results of a vector env, struct-of-arrays. Row i belongs to sub-env i.
/// Wrappers transform these arrays in place, innermost first.
/// </summary>
public sealed class VectorBuffers
{
    public VectorBuffers(int numEnvs, int observationSize, int actionSize, int rewardTermCount, int taskSize = 0)
    {
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "A vector env needs at least one sub-env.");
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        RewardTermCount = rewardTermCount;
        Observations = new float[numEnvs * observationSize];
        FinalObservations = new float[numEnvs * observationSize];
        Rewards = new float[numEnvs];
        RewardTerms = new float[numEnvs * rewardTermCount];
        Terminated = new bool[numEnvs];
        Truncated = new bool[numEnvs];
        TaskSize = taskSize;
        PendingTasks = new float[numEnvs * taskSize];
        CurrentTasks = new float[numEnvs * taskSize];
        FinishedTasks = new float[numEnvs * taskSize];
    }

    public int NumEnvs { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public int RewardTermCount { get; }

    /// <summary>[NumEnvs x ObservationSize]: the observation to act on next.</summary>
    public float[] Observations { get; }

    /// <summary>[NumEnvs x ObservationSize]: last observation of an episode that ended this step (row valid where Done).</summary>
    public float[] FinalObservations { get; }

    public float[] Rewards { get; }

    /// <summary>[NumEnvs x RewardTermCount]: the named reward terms of this step (raw, before any reward wrapper).</summary>
    public float[] RewardTerms { get; }

    public bool[] Terminated { get; }
    public bool[] Truncated { get; }

    /// <summary>Task parameters per env (0 when the envs are not parameterized; see <see cref="Tasks.TaskSpace"/>).</summary>
    public int TaskSize { get; }

    /// <summary>[NumEnvs x TaskSize]: the task env i starts its next episode with (written by curricula).</summary>
    public float[] PendingTasks { get; }

    /// <summary>[NumEnvs x TaskSize]: the task of env i's running episode.</summary>
    public float[] CurrentTasks { get; }

    /// <summary>[NumEnvs x TaskSize]: the task of the episode that ended this step (row valid where Done).</summary>
    public float[] FinishedTasks { get; }

    public Span<float> PendingTask(int i) => PendingTasks.AsSpan(i * TaskSize, TaskSize);
    public Span<float> CurrentTask(int i) => CurrentTasks.AsSpan(i * TaskSize, TaskSize);
    public Span<float> FinishedTask(int i) => FinishedTasks.AsSpan(i * TaskSize, TaskSize);

    public bool Done(int i) => Terminated[i] || Truncated[i];

    public Span<float> Observation(int i) => Observations.AsSpan(i * ObservationSize, ObservationSize);
    public Span<float> FinalObservation(int i) => FinalObservations.AsSpan(i * ObservationSize, ObservationSize);
    public Span<float> RewardTermRow(int i) => RewardTerms.AsSpan(i * RewardTermCount, RewardTermCount);
}
