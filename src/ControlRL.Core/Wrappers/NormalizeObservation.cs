using ControlRL.Core.Checkpoints;
using ControlRL.Core.Statistics;
using ControlRL.Core.Vector;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Normalizes observations with running statistics: <c>clip((obs - mean) / sqrt(var + epsilon), -clip, clip)</c>.
/// As in SB3's VecNormalize and Gymnasium's vector NormalizeObservation, the statistics are updated with the
/// observations the env returns (the reset observations of auto-reset envs included); the final observations of
/// finished episodes are normalized with the same statistics but not added. <see cref="Training"/> = false
/// freezes the statistics (evaluation).
/// </summary>
public sealed class NormalizeObservation : VectorWrapper, IStatefulComponent
{
    private readonly double _epsilon;
    private readonly float _clip;
    private readonly double[] _scale;

    public NormalizeObservation(IVectorEnv inner, double epsilon = 1e-8, float clip = 10f) : base(inner)
    {
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon));
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "Clip must be positive (use float.PositiveInfinity for none).");
        _epsilon = epsilon;
        _clip = clip;
        Stats = new RunningMeanStd(inner.Buffers.ObservationSize, stateName: "obs_norm");
        _scale = new double[Stats.Size];
    }

    public RunningMeanStd Stats { get; }

    /// <summary>When false the statistics are frozen (evaluation); observations are still normalized.</summary>
    public bool Training { get; set; } = true;

    public string StateName => "obs_norm";

    protected override void OnReset() => Apply(finals: false);

    protected override void OnStep() => Apply(finals: true);

    private void Apply(bool finals)
    {
        var b = Buffers;
        if (Training) Stats.Update(b.Observations, b.NumEnvs);
        for (int d = 0; d < _scale.Length; d++) _scale[d] = 1.0 / Math.Sqrt(Stats.Var[d] + _epsilon);
        Normalize(b.Observations);
        if (!finals) return;
        for (int i = 0; i < b.NumEnvs; i++)
        {
            if (b.Done(i)) NormalizeRow(b.FinalObservation(i));
        }
    }

    private void Normalize(Span<float> rows)
    {
        int size = _scale.Length;
        for (int i = 0; i < rows.Length; i += size) NormalizeRow(rows.Slice(i, size));
    }

    private void NormalizeRow(Span<float> row)
    {
        double[] mean = Stats.Mean;
        for (int d = 0; d < row.Length; d++)
        {
            float v = (float)((row[d] - mean[d]) * _scale[d]);
            row[d] = Math.Clamp(v, -_clip, _clip);
        }
    }

    /// <summary>Normalizes one observation (or a row-major batch) in place with the current statistics, without updating them.</summary>
    public void NormalizeInPlace(Span<float> observations)
    {
        if (observations.Length % _scale.Length != 0)
            throw new ArgumentException($"Length {observations.Length} is not a multiple of the observation size {_scale.Length}.");
        for (int d = 0; d < _scale.Length; d++) _scale[d] = 1.0 / Math.Sqrt(Stats.Var[d] + _epsilon);
        Normalize(observations);
    }

    public void SaveState(IDictionary<string, double[]> state) => Stats.SaveState(state);

    public void LoadState(IReadOnlyDictionary<string, double[]> state) => Stats.LoadState(state);
}
