using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Vector;

/// <summary>
/// The batched results of a vector env, struct-of-arrays. Row i belongs to sub-env i. Observations are typed
/// per leaf of the observation space (<see cref="ObservationBatch"/>); a flat float task also sees them as one
/// <c>float[]</c> (<see cref="Observations"/>). Wrappers transform these arrays in place, innermost first.
/// </summary>
public sealed class VectorBuffers
{
    /// <summary>Buffers for a flat float observation of <paramref name="observationSize"/> values.</summary>
    public VectorBuffers(int numEnvs, int observationSize, int actionSize, int rewardTermCount, int taskSize = 0)
        : this(numEnvs, Box.Uniform(observationSize, float.NegativeInfinity, float.PositiveInfinity), actionSize, rewardTermCount, 0, taskSize) { }

    public VectorBuffers(int numEnvs, Space observationSpace, int actionSize, int rewardTermCount, int infoCount, int taskSize = 0)
    {
        if (numEnvs <= 0) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "A vector env needs at least one sub-env.");
        ArgumentNullException.ThrowIfNull(observationSpace);
        NumEnvs = numEnvs;
        ObservationSpace = observationSpace;
        ObservationSize = observationSpace.FlatSize;
        ActionSize = actionSize;
        RewardTermCount = rewardTermCount;
        InfoCount = infoCount;
        Obs = new ObservationBatch(observationSpace, numEnvs);
        FinalObs = new ObservationBatch(observationSpace, numEnvs);
        Info = new float[numEnvs * infoCount];
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
    public Space ObservationSpace { get; }

    /// <summary>Values per observation over all leaves (the flat size of a flat float task).</summary>
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public int RewardTermCount { get; }

    /// <summary>Info metrics per env (<see cref="Envs.EnvSpec.Info"/>).</summary>
    public int InfoCount { get; }

    /// <summary>The observations to act on next, one typed array per leaf.</summary>
    public ObservationBatch Obs { get; }

    /// <summary>Last observations of episodes that ended this step (row valid where Done).</summary>
    public ObservationBatch FinalObs { get; }

    /// <summary>True when observations are one float32 leaf (<see cref="Observations"/> is usable).</summary>
    public bool IsFlatFloat => Obs.IsFlatFloat;

    /// <summary>[NumEnvs x ObservationSize]: the observation to act on next (flat float tasks only).</summary>
    public float[] Observations => IsFlatFloat ? Obs.Floats() : throw NotFlat();

    /// <summary>[NumEnvs x ObservationSize]: final observations of episodes that ended this step (flat float tasks only).</summary>
    public float[] FinalObservations => IsFlatFloat ? FinalObs.Floats() : throw NotFlat();

    /// <summary>[NumEnvs x InfoCount]: this step's info metrics.</summary>
    public float[] Info { get; }

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
    public Span<float> InfoRow(int i) => Info.AsSpan(i * InfoCount, InfoCount);

    /// <summary>Events one sub-env can report per vector step; more are counted in <see cref="DroppedEvents"/>.</summary>
    public const int MaxEventsPerStep = 16;

    private EnvEvent[]? _events;
    private int[]? _eventCounts;

    /// <summary>The events sub-env <paramref name="i"/> reported in this step.</summary>
    public ReadOnlySpan<EnvEvent> Events(int i) =>
        _events is null ? default : _events.AsSpan(i * MaxEventsPerStep, _eventCounts![i]);

    private long _droppedEvents;

    /// <summary>Events that did not fit in a step's slots since the vector env was built.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    /// <summary>Allocates the event slots (once, before any stepping: sub-envs then write their rows from any thread).</summary>
    internal void EnableEvents()
    {
        _events ??= new EnvEvent[NumEnvs * MaxEventsPerStep];
        _eventCounts ??= new int[NumEnvs];
    }

    internal Span<EnvEvent> EventSlots(int i) => _events.AsSpan(i * MaxEventsPerStep, MaxEventsPerStep);

    internal void SetEvents(int i, int pending)
    {
        int kept = Math.Min(pending, MaxEventsPerStep);
        _eventCounts![i] = kept;
        if (pending > kept) Interlocked.Add(ref _droppedEvents, pending - kept);
    }

    private InvalidOperationException NotFlat() =>
        new($"Observations are {ObservationSpace.Describe()}, not one float32 vector: use Obs / FinalObs (typed per key).");
}
