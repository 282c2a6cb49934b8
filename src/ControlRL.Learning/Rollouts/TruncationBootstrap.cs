namespace ControlRL.Learning.Rollouts;

/// <summary>
/// Truncated episodes did not end in the MDP, so their last reward is completed with gamma * V(final observation)
/// (Stable-Baselines3's on-policy algorithms do the same; CleanRL treats truncation as termination). GAE then cuts
/// the recursion at every ended row, terminated or truncated.
/// </summary>
public static class TruncationBootstrap
{
    /// <summary>
    /// Adds gamma * finalValues[k] to rewards[rows[k]] for each truncated-not-terminated row.
    /// </summary>
    /// <param name="rewards">Per-row rewards, modified in place.</param>
    /// <param name="rows">Rows whose episode was truncated (and not terminated).</param>
    /// <param name="finalValues">V(final observation) of each of those rows.</param>
    public static void Apply(Span<float> rewards, ReadOnlySpan<int> rows, ReadOnlySpan<float> finalValues, double gamma)
    {
        if (rows.Length != finalValues.Length)
            throw new ArgumentException($"{rows.Length} truncated rows but {finalValues.Length} final values.");
        for (int k = 0; k < rows.Length; k++)
        {
            if (!float.IsFinite(finalValues[k]))
                throw new ArgumentException($"V(final observation) of row {rows[k]} is not finite ({finalValues[k]}).");
            rewards[rows[k]] += (float)(gamma * finalValues[k]);
        }
    }

    /// <summary>
    /// The indices k into <see cref="Rollout.Finals"/> whose row was truncated and not terminated, written into
    /// <paramref name="finalIndex"/> (and their rows into <paramref name="rows"/>); returns how many.
    /// </summary>
    public static int SelectTruncated(Rollout rollout, Span<int> finalIndex, Span<int> rows)
    {
        int count = 0;
        for (int k = 0; k < rollout.FinalCount; k++)
        {
            int row = rollout.FinalRows[k];
            if (rollout.Truncated[row] && !rollout.Terminated[row])
            {
                finalIndex[count] = k;
                rows[count] = row;
                count++;
            }
        }
        return count;
    }
}
