using ControlRL.Core.Checkpoints;
using ControlRL.Core.Statistics;
using ControlRL.Core.Vector;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Scales rewards so their discounted return has roughly unit variance (Gymnasium's NormalizeReward). Per env,
/// each step, in Gymnasium 1.x order:
/// <code>
/// acc[i] = acc[i] * gamma * (1 - done[i]) + reward[i]   // done masks the old return in the step the episode ends
/// return_rms.update(acc)                                // skipped when Training = false
/// reward[i] = clip(reward[i] / sqrt(return_rms.var + epsilon), -clip, clip)
/// </code>
/// Gymnasium masks with <c>terminated</c> only; here <c>done = terminated || truncated</c> by default because with
/// same-step autoreset there is no separate reset step and a truncated episode's return must not leak into the
/// next episode (<see cref="ResetOnTruncation"/> = false gives Gymnasium's masking). The mean is not subtracted
/// (openai/baselines#538). Only <see cref="VectorBuffers.Rewards"/> changes; the reward terms stay raw.
/// </summary>
public sealed class NormalizeReward : VectorWrapper, IStatefulComponent
{
    private readonly double _gamma;
    private readonly double _epsilon;
    private readonly float _clip;
    private readonly double[] _returns;

    public NormalizeReward(IVectorEnv inner, double gamma = 0.99, double epsilon = 1e-8, float clip = 10f) : base(inner)
    {
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Gamma must be in [0, 1].");
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon));
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "Clip must be positive (use float.PositiveInfinity for none).");
        _gamma = gamma;
        _epsilon = epsilon;
        _clip = clip;
        _returns = new double[inner.NumEnvs];
        Stats = new RunningMeanStd(1, stateName: "reward_norm");
    }

    /// <summary>Statistics of the discounted returns (size 1).</summary>
    public RunningMeanStd Stats { get; }

    /// <summary>The per-env discounted return accumulators.</summary>
    public ReadOnlySpan<double> Returns => _returns;

    /// <summary>When false the statistics are frozen (evaluation); rewards are still scaled.</summary>
    public bool Training { get; set; } = true;

    /// <summary>Whether truncation, like termination, restarts the return accumulator.</summary>
    public bool ResetOnTruncation { get; init; } = true;

    public string StateName => "reward_norm";

    protected override void OnReset() => Array.Clear(_returns);

    protected override void OnStep(ReadOnlySpan<float> actions)
    {
        var b = Buffers;
        for (int i = 0; i < _returns.Length; i++)
        {
            bool done = b.Terminated[i] || (ResetOnTruncation && b.Truncated[i]);
            _returns[i] = _returns[i] * _gamma * (done ? 0.0 : 1.0) + b.Rewards[i];
        }
        if (Training) Stats.Update(_returns, _returns.Length);
        double scale = 1.0 / Math.Sqrt(Stats.Var[0] + _epsilon);
        for (int i = 0; i < _returns.Length; i++)
        {
            b.Rewards[i] = Math.Clamp((float)(b.Rewards[i] * scale), -_clip, _clip);
        }
    }

    public void SaveState(IDictionary<string, double[]> state)
    {
        Stats.SaveState(state);
        state["returns"] = (double[])_returns.Clone();
    }

    /// <summary>Restores the statistics; the accumulators only when saved with the same number of envs (else zero).</summary>
    public void LoadState(IReadOnlyDictionary<string, double[]> state)
    {
        Stats.LoadState(state);
        if (state.TryGetValue("returns", out var r) && r is not null && r.Length == _returns.Length) r.CopyTo(_returns, 0);
        else Array.Clear(_returns);
    }
}
