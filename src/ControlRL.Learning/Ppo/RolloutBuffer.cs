namespace ControlRL.Learning.Ppo;

/// <summary>
/// Storage of one PPO rollout, [NumSteps x NumEnvs] rows, time-major, all preallocated once.
/// <see cref="EpisodeEnded"/>[t,i] says env i's episode ended in step t (terminated or truncated); truncated
/// steps also keep their final observation so the learner can bootstrap V(final obs) into the reward.
/// </summary>
public sealed class RolloutBuffer
{
    public RolloutBuffer(int numSteps, int numEnvs, int observationSize, int actionSize)
    {
        NumSteps = numSteps;
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        int n = numSteps * numEnvs;
        Observations = new float[n * observationSize];
        Actions = new float[n * actionSize];
        Rewards = new float[n];
        EpisodeEnded = new bool[n];
        Values = new float[n];
        LogProbs = new float[n];
        Advantages = new float[n];
        Returns = new float[n];
        TruncatedRows = new int[n];
        TruncatedObservations = new float[n * observationSize];
        NextObservations = new float[numEnvs * observationSize];
    }

    public int NumSteps { get; }
    public int NumEnvs { get; }
    public int ObservationSize { get; }
    public int ActionSize { get; }
    public int Size => NumSteps * NumEnvs;

    public float[] Observations { get; }
    public float[] Actions { get; }
    public float[] Rewards { get; }
    public bool[] EpisodeEnded { get; }
    public float[] Values { get; }
    public float[] LogProbs { get; }
    public float[] Advantages { get; }
    public float[] Returns { get; }

    /// <summary>Rows (t * NumEnvs + i) whose episode was truncated, with their final observations.</summary>
    public int[] TruncatedRows { get; }
    public float[] TruncatedObservations { get; }
    public int TruncatedCount { get; set; }

    /// <summary>Observations after the last step (for the bootstrap value V(s_T)).</summary>
    public float[] NextObservations { get; }

    public Span<float> ObservationRow(int step) => Observations.AsSpan(step * NumEnvs * ObservationSize, NumEnvs * ObservationSize);
    public Span<float> ActionRow(int step) => Actions.AsSpan(step * NumEnvs * ActionSize, NumEnvs * ActionSize);

    public void AddTruncation(int row, ReadOnlySpan<float> finalObservation)
    {
        TruncatedRows[TruncatedCount] = row;
        finalObservation.CopyTo(TruncatedObservations.AsSpan(TruncatedCount * ObservationSize, ObservationSize));
        TruncatedCount++;
    }
}
