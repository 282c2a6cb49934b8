using ControlRL.Core.Random;

namespace ControlRL.Models.Policies;

/// <summary>
/// The acting half of a policy in managed code: samples actions for a batch of observations without TorchSharp.
/// Log-probabilities and values are computed afterwards by the learner in one batched TorchSharp call.
/// </summary>
public abstract class ManagedPolicy
{
    public abstract int ObservationSize { get; }

    /// <summary>Floats per action in the flat buffer (1 for a discrete action).</summary>
    public abstract int ActionSize { get; }

    /// <summary>Fills actions [batch x ActionSize] for observations [batch x ObservationSize].</summary>
    public abstract void Act(ReadOnlySpan<float> observations, Span<float> actions, int batch, Rng rng, bool deterministic);
}

/// <summary>Diagonal Gaussian with state-independent log-std (CleanRL's continuous policy).</summary>
public sealed class ManagedGaussianPolicy(ManagedMlp mean, float[] logStd) : ManagedPolicy
{
    public ManagedMlp Mean { get; } = mean;
    public float[] LogStd { get; } = logStd;
    public override int ObservationSize => Mean.InputSize;
    public override int ActionSize => Mean.OutputSize;

    public override void Act(ReadOnlySpan<float> observations, Span<float> actions, int batch, Rng rng, bool deterministic)
    {
        Mean.Forward(observations, actions, batch);
        if (deterministic) return;
        int n = ActionSize;
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < n; j++)
                actions[r * n + j] += MathF.Exp(LogStd[j]) * (float)rng.Normal();
        }
    }
}

/// <summary>Categorical over logits; the action is the index as a float.</summary>
public sealed class ManagedCategoricalPolicy(ManagedMlp logits) : ManagedPolicy
{
    private float[] _logits = [];

    public ManagedMlp Logits { get; } = logits;
    public override int ObservationSize => Logits.InputSize;
    public override int ActionSize => 1;
    public int NumActions => Logits.OutputSize;

    public override void Act(ReadOnlySpan<float> observations, Span<float> actions, int batch, Rng rng, bool deterministic)
    {
        int k = NumActions;
        if (_logits.Length < batch * k) _logits = new float[batch * k];
        Logits.Forward(observations, _logits, batch);
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<float> row = _logits.AsSpan(r * k, k);
            int best = 0;
            float max = row[0];
            for (int j = 1; j < k; j++)
            {
                if (row[j] > max) { max = row[j]; best = j; }
            }
            if (deterministic)
            {
                actions[r] = best;
                continue;
            }
            double total = 0;
            for (int j = 0; j < k; j++) total += Math.Exp(row[j] - max);
            double u = rng.NextDouble() * total, acc = 0;
            int pick = k - 1;
            for (int j = 0; j < k; j++)
            {
                acc += Math.Exp(row[j] - max);
                if (u < acc) { pick = j; break; }
            }
            actions[r] = pick;
        }
    }
}
