using ControlRL.Core.Checkpoints;
using ControlRL.Core.Statistics;
using ControlRL.Core.Vector;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Normalizes observations with running statistics (<see cref="ObservationNormalizer"/>: every float32 leaf by
/// default, images never). As in SB3's VecNormalize and Gymnasium's vector NormalizeObservation, the statistics
/// are updated with the observations the env returns (the reset observations of auto-reset envs included); the
/// final observations of finished episodes are normalized with the same statistics but not added.
/// <see cref="Training"/> = false freezes the statistics (evaluation).
/// </summary>
public sealed class NormalizeObservation : VectorWrapper, IStatefulComponent
{
    public NormalizeObservation(IVectorEnv inner, double epsilon = 1e-8, float clip = 10f, IReadOnlyCollection<string>? keys = null) : base(inner)
    {
        Normalizer = new ObservationNormalizer(inner.Buffers.ObservationSpace, keys, epsilon, clip);
    }

    /// <summary>The statistics and the transform, usable on their own (e.g. by a policy server).</summary>
    public ObservationNormalizer Normalizer { get; }

    /// <summary>Statistics of a flat float observation (the only leaf).</summary>
    public RunningMeanStd Stats => Normalizer.Stats.Count == 1 ? Normalizer.Stats[0]
        : throw new InvalidOperationException("This observation has several normalized leaves; use Normalizer.Stats.");

    /// <summary>When false the statistics are frozen (evaluation); observations are still normalized.</summary>
    public bool Training { get; set; } = true;

    public string StateName => Normalizer.StateName;

    protected override void OnReset() => Apply(finals: false);

    protected override void OnStep(ReadOnlySpan<float> actions) => Apply(finals: true);

    private void Apply(bool finals)
    {
        var b = Buffers;
        if (Training) Normalizer.Update(b.Obs, b.NumEnvs);
        Normalizer.Normalize(b.Obs, b.NumEnvs);
        if (!finals) return;
        for (int i = 0; i < b.NumEnvs; i++)
        {
            if (b.Done(i)) Normalizer.Normalize(b.FinalObs.Row(i));
        }
    }

    /// <summary>Normalizes one flat observation (or a row-major batch) in place with the current statistics, without updating them.</summary>
    public void NormalizeInPlace(Span<float> observations) => Normalizer.NormalizeFlat(observations);

    public void SaveState(IDictionary<string, double[]> state) => Normalizer.SaveState(state);

    public void LoadState(IReadOnlyDictionary<string, double[]> state) => Normalizer.LoadState(state);
}
