using ControlRL.Core.Checkpoints;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Statistics;

/// <summary>
/// Running observation normalization, usable without a vector env (a policy server, an exported policy):
/// <c>clip((x - mean) / sqrt(var + epsilon), -clip, clip)</c> per value of each normalized leaf. By default every
/// float32 leaf is normalized and images (uint8) never are; <paramref name="keys"/> picks leaves by key.
/// State: one <see cref="RunningMeanStd"/> per normalized leaf, named <c>obs_norm</c> for a flat observation and
/// <c>obs_norm/{key}</c> for a Dict leaf.
/// </summary>
public sealed class ObservationNormalizer : IStatefulComponent
{
    private readonly int[] _leaves;
    private readonly RunningMeanStd[] _stats;
    private readonly double[][] _scale;
    private readonly double _epsilon;
    private readonly float _clip;

    public ObservationNormalizer(Space space, IReadOnlyCollection<string>? keys = null, double epsilon = 1e-8, float clip = 10f)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon));
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "Clip must be positive (use float.PositiveInfinity for none).");
        Space = space;
        _epsilon = epsilon;
        _clip = clip;
        var leaves = space.Leaves;
        var picked = new List<int>();
        if (keys is null)
        {
            for (int i = 0; i < leaves.Count; i++)
                if (leaves[i].Space.DType == DType.Float32) picked.Add(i);
        }
        else
        {
            foreach (string key in keys)
            {
                int i = -1;
                for (int j = 0; j < leaves.Count; j++) if (leaves[j].Key == key) i = j;
                if (i < 0) throw new ArgumentException($"normalize_observation: no observation key '{key}' (keys: {string.Join(", ", leaves.Select(l => l.Key.Length == 0 ? "\"\"" : l.Key))}).");
                if (leaves[i].Space.DType != DType.Float32)
                    throw new ArgumentException($"normalize_observation: key '{key}' is {leaves[i].Space.Describe()}; only float32 leaves are normalized (images are scaled by the network).");
                picked.Add(i);
            }
        }
        _leaves = picked.ToArray();
        _stats = _leaves.Select(i => new RunningMeanStd(leaves[i].Space.FlatSize,
            stateName: leaves[i].Key.Length == 0 ? "obs_norm" : "obs_norm/" + leaves[i].Key)).ToArray();
        _scale = _leaves.Select(i => new double[leaves[i].Space.FlatSize]).ToArray();
        RefreshScale();
    }

    public Space Space { get; }

    /// <summary>Statistics of each normalized leaf, in leaf order.</summary>
    public IReadOnlyList<RunningMeanStd> Stats => _stats;

    /// <summary>Keys of the normalized leaves.</summary>
    public IReadOnlyList<string> Keys => _leaves.Select(i => Space.Leaves[i].Key).ToArray();

    public string StateName => "obs_norm";

    /// <summary>Adds rows [0, rows) of <paramref name="batch"/> to the statistics.</summary>
    public void Update(ObservationBatch batch, int rows)
    {
        for (int k = 0; k < _leaves.Length; k++)
            _stats[k].Update(batch.Floats(_leaves[k]).AsSpan(0, rows * _stats[k].Size), rows);
        RefreshScale();
    }

    /// <summary>Normalizes rows [0, rows) of <paramref name="batch"/> in place with the current statistics.</summary>
    public void Normalize(ObservationBatch batch, int rows)
    {
        for (int k = 0; k < _leaves.Length; k++)
        {
            int size = _stats[k].Size;
            var data = batch.Floats(_leaves[k]).AsSpan(0, rows * size);
            for (int r = 0; r < data.Length; r += size) NormalizeLeaf(k, data.Slice(r, size));
        }
    }

    /// <summary>Normalizes one row in place.</summary>
    public void Normalize(ObsRow row)
    {
        for (int k = 0; k < _leaves.Length; k++) NormalizeLeaf(k, row.Float(_leaves[k]));
    }

    /// <summary>Normalizes one flat observation (or a row-major batch of them) in place.</summary>
    public void NormalizeFlat(Span<float> observations)
    {
        if (_leaves.Length != 1 || !Space.IsFlatFloat)
            throw new InvalidOperationException($"NormalizeFlat needs a flat float observation space, not {Space.Describe()}.");
        int size = _stats[0].Size;
        if (observations.Length % size != 0)
            throw new ArgumentException($"Length {observations.Length} is not a multiple of the observation size {size}.");
        for (int r = 0; r < observations.Length; r += size) NormalizeLeaf(0, observations.Slice(r, size));
    }

    private void NormalizeLeaf(int k, Span<float> row)
    {
        double[] mean = _stats[k].Mean;
        double[] scale = _scale[k];
        for (int d = 0; d < row.Length; d++)
        {
            float v = (float)((row[d] - mean[d]) * scale[d]);
            row[d] = Math.Clamp(v, -_clip, _clip);
        }
    }

    private void RefreshScale()
    {
        for (int k = 0; k < _stats.Length; k++)
        {
            double[] var = _stats[k].Var;
            for (int d = 0; d < var.Length; d++) _scale[k][d] = 1.0 / Math.Sqrt(var[d] + _epsilon);
        }
    }

    // A flat space keeps the entries of earlier checkpoints (obs_norm/mean, ...); Dict leaves are prefixed by key.
    public void SaveState(IDictionary<string, double[]> state)
    {
        for (int k = 0; k < _stats.Length; k++)
        {
            var part = new Dictionary<string, double[]>(StringComparer.Ordinal);
            _stats[k].SaveState(part);
            string prefix = Prefix(k);
            foreach (var (name, v) in part) state[prefix + name] = v;
        }
    }

    public void LoadState(IReadOnlyDictionary<string, double[]> state)
    {
        for (int k = 0; k < _stats.Length; k++)
        {
            string prefix = Prefix(k);
            var part = state.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) && !e.Key[prefix.Length..].Contains('/'))
                .ToDictionary(e => e.Key[prefix.Length..], e => e.Value, StringComparer.Ordinal);
            _stats[k].LoadState(part);
        }
        RefreshScale();
    }

    private string Prefix(int k) => Space.Leaves[_leaves[k]].Key is { Length: > 0 } key ? key + "/" : "";
}
