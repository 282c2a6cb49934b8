namespace ControlRL.Learning.Ppo;

/// <summary>Generalised advantage estimation (Schulman et al. 2016) over a time-major rollout.</summary>
public static class Gae
{
    /// <summary>
    /// Fills advantages and returns (= advantages + values). <paramref name="episodeEnded"/>[t,i] cuts the
    /// recursion after step t (rewards of truncated steps already include gamma * V(final obs)).
    /// </summary>
    public static void Compute(
        ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<bool> episodeEnded,
        ReadOnlySpan<float> nextValues, int numSteps, int numEnvs, double gamma, double lambda,
        Span<float> advantages, Span<float> returns)
    {
        for (int i = 0; i < numEnvs; i++)
        {
            double lastGae = 0;
            for (int t = numSteps - 1; t >= 0; t--)
            {
                int row = t * numEnvs + i;
                double nextValue = t == numSteps - 1 ? nextValues[i] : values[row + numEnvs];
                double nonTerminal = episodeEnded[row] ? 0.0 : 1.0;
                double delta = rewards[row] + gamma * nextValue * nonTerminal - values[row];
                lastGae = delta + gamma * lambda * nonTerminal * lastGae;
                advantages[row] = (float)lastGae;
                returns[row] = (float)(lastGae + values[row]);
            }
        }
    }
}
