namespace ControlRL.Core.Vector;

/// <summary>
/// The batched results of a vector env, struct-of-arrays. Row i belongs to sub-env i.
/// Wrappers transform these arrays in place, innermost first.
/// </summary>
public sealed class VectorBuffers
{
    public VectorBuffers(int numEnvs, int observationSize, int actionSize, int rewardTermCount)
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

    public bool Done(int i) => Terminated[i] || Truncated[i];

    public Span<float> Observation(int i) => Observations.AsSpan(i * ObservationSize, ObservationSize);
    public Span<float> FinalObservation(int i) => FinalObservations.AsSpan(i * ObservationSize, ObservationSize);
    public Span<float> RewardTermRow(int i) => RewardTerms.AsSpan(i * RewardTermCount, RewardTermCount);
}
