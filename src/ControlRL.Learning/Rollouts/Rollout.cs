using ControlRL.Core.Spaces;

namespace ControlRL.Learning.Rollouts;

/// <summary>
/// One on-policy rollout, [NumSteps x NumEnvs] rows, time-major (row = t * NumEnvs + i), preallocated once.
/// Observations keep the env's typed leaves (uint8 pixels stay uint8 until the network; large leaves may live in
/// external memory, see <see cref="ObservationBatch"/>). Every row whose episode
/// ended (terminated or truncated) keeps its final observation in <see cref="Finals"/>, so truncated episodes can
/// bootstrap V(final obs) and reward sources see the true next observation of every transition.
/// </summary>
public sealed class Rollout
{
    private readonly Space _space;
    private readonly List<string> _extraTermNames = [];
    private readonly List<float[]> _extraTerms = [];

    /// <param name="allocator">Where large observation leaves live (e.g. libtorch storage, so image rollouts can exceed
    /// the largest .NET array); null keeps managed arrays.</param>
    public Rollout(int numSteps, int numEnvs, Space observationSpace, int actionSize, IReadOnlyList<string> rewardTermNames,
        LeafAllocator? allocator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        long size = (long)numSteps * numEnvs;
        if (size > int.MaxValue / Math.Max(1, actionSize))
            throw new ArgumentException($"A rollout of {numSteps} steps x {numEnvs} envs is too large ({size} rows).");
        NumSteps = numSteps;
        NumEnvs = numEnvs;
        ActionSize = actionSize;
        _space = observationSpace;
        int n = (int)size;
        Observations = new ObservationBatch(observationSpace, n, allocator);
        NextObservations = new ObservationBatch(observationSpace, numEnvs);
        Actions = new float[n * actionSize];
        Rewards = new float[n];
        Terminated = new bool[n];
        Truncated = new bool[n];
        Values = new float[n];
        LogProbs = new float[n];
        Advantages = new float[n];
        Returns = new float[n];
        NextValues = new float[numEnvs];
        RewardTermNames = rewardTermNames;
        RewardTerms = new float[n * rewardTermNames.Count];
        FinalRows = new int[n];
        Finals = new ObservationBatch(observationSpace, Math.Min(n, 4 * numEnvs));
    }

    public int NumSteps { get; }
    public int NumEnvs { get; }
    public int ActionSize { get; }
    public int Size => NumSteps * NumEnvs;

    /// <summary>The observation each row acted on.</summary>
    public ObservationBatch Observations { get; }

    /// <summary>Observations after the last step (for V(s_T)).</summary>
    public ObservationBatch NextObservations { get; }

    public float[] Actions { get; }

    /// <summary>The reward the learner optimizes (the env pipeline's, possibly relabelled by reward sources).</summary>
    public float[] Rewards { get; }

    public bool[] Terminated { get; }
    public bool[] Truncated { get; }
    public float[] Values { get; }
    public float[] LogProbs { get; }
    public float[] Advantages { get; }
    public float[] Returns { get; }

    /// <summary>V(s_T) of <see cref="NextObservations"/>, per env (set with the targets).</summary>
    public float[] NextValues { get; }

    /// <summary>The env's raw named reward terms, [Size x RewardTermNames.Count].</summary>
    public IReadOnlyList<string> RewardTermNames { get; }
    public float[] RewardTerms { get; }

    /// <summary>Rows whose episode ended, in collection order; <see cref="Finals"/> row k is the final observation of FinalRows[k].</summary>
    public int[] FinalRows { get; }
    public int FinalCount { get; private set; }
    public ObservationBatch Finals { get; private set; }

    /// <summary>Terms that reward sources added this rollout (name, per-row values), for logging.</summary>
    public IReadOnlyList<string> ExtraTermNames => _extraTermNames;
    public IReadOnlyList<float[]> ExtraTerms => _extraTerms;

    public bool EpisodeEnded(int row) => Terminated[row] || Truncated[row];

    public Span<float> ActionRow(int step) => Actions.AsSpan(step * NumEnvs * ActionSize, NumEnvs * ActionSize);

    /// <summary>Starts a new rollout: forgets finals and source terms.</summary>
    public void Clear()
    {
        FinalCount = 0;
        _extraTermNames.Clear();
        _extraTerms.Clear();
    }

    /// <summary>Keeps row <paramref name="row"/>'s final observation (row <paramref name="envRow"/> of <paramref name="finals"/>).</summary>
    public void AddFinal(int row, ObservationBatch finals, int envRow)
    {
        if (FinalCount == Finals.Rows)
        {
            // Grows geometrically; after the first rollouts the capacity fits and collection allocates nothing.
            var bigger = new ObservationBatch(_space, Math.Min(Size, Finals.Rows * 2));
            Finals.CopyRows(0, bigger, 0, FinalCount);
            Finals = bigger;
        }
        FinalRows[FinalCount] = row;
        finals.CopyRow(envRow, Finals, FinalCount);
        FinalCount++;
    }

    /// <summary>
    /// The next observation of every row, [Size rows] (allocates a batch the size of the rollout: for reward
    /// sources over (s, a, s'), not for the PPO loop itself).
    /// </summary>
    public ObservationBatch GatherNextObservations()
    {
        var next = new ObservationBatch(_space, Size);
        int n = NumEnvs;
        if (NumSteps > 1) Observations.CopyRows(n, next, 0, Size - n);
        NextObservations.CopyRows(0, next, Size - n, n);
        for (int k = 0; k < FinalCount; k++) Finals.CopyRow(k, next, FinalRows[k]);
        return next;
    }

    /// <summary>
    /// A reward source's term for every row. With <paramref name="replace"/> the learner's reward becomes the term;
    /// otherwise the term is added to it. The term is logged under its name.
    /// </summary>
    public void AddRewardTerm(string name, ReadOnlySpan<float> values, bool replace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (values.Length != Size)
            throw new ArgumentException($"Reward term '{name}' has {values.Length} values; the rollout has {Size} rows.");
        for (int r = 0; r < values.Length; r++)
        {
            if (!float.IsFinite(values[r]))
                throw new ArgumentException($"Reward term '{name}' is not finite at row {r} ({values[r]}).");
        }
        if (replace) values.CopyTo(Rewards);
        else
        {
            for (int r = 0; r < values.Length; r++) Rewards[r] += values[r];
        }
        _extraTermNames.Add(name);
        _extraTerms.Add(values.ToArray());
    }
}
