using ControlRL.Core.Tasks;

namespace ControlRL.Learning.Curricula;

/// <summary>
/// Robust Intelligent Adaptive Curiosity (Baranes and Oudeyer 2009, teachDeepRL riac.py). A tree of boxes over
/// the task space; every region containing a task keeps its (task, normalised return) pairs, at most
/// MaxRegionSize + 1 of them (oldest dropped). A region's ALP is |mean(older half) - mean(newer half)| of its
/// last AlpWindow returns. A leaf holding more than MaxRegionSize pairs is split: of SplitAttempts random
/// axis-aligned cuts (each child with >= MinRegionSize pairs and >= MinDimensionRangeRatio of every range), the
/// one with the largest ALP difference between the children wins; if none is valid the leaf forgets its oldest
/// DiscardRatio of pairs. Sampling: 70% a uniform task in a region chosen in proportion to its ALP, 20% a
/// uniform task, 10% the region's worst task mutated with N(0, MutationSigma).
/// </summary>
public sealed class RiacTeacher : TeacherBase
{
    private const int MaxCutTries = 1000;
    private const double RegionEpsilon = 1e-5;

    private sealed class Region(int parent, float[] low, float[] high)
    {
        public int Parent { get; } = parent;
        public float[] Low { get; } = low;
        public float[] High { get; } = high;
        public List<int> Children { get; } = [];
        public List<double> Returns { get; set; } = [];
        public List<float[]> Tasks { get; set; } = [];
        public double Alp { get; set; }

        public bool Contains(ReadOnlySpan<float> t)
        {
            for (int i = 0; i < t.Length; i++)
            {
                if (!(t[i] >= Low[i] && t[i] <= High[i])) return false;
            }
            return true;
        }

        public void Add(float[] task, double r, int capacity)
        {
            Tasks.Add(task);
            Returns.Add(r);
            if (Returns.Count > capacity)
            {
                Tasks.RemoveAt(0);
                Returns.RemoveAt(0);
            }
        }
    }

    private readonly List<Region> _regions = [];
    private readonly List<int> _touched = [];
    private readonly double[] _ranges;
    private int _toSplit = -1;
    private double[] _alps = [1];
    private int[] _sampled = [0]; // regions eligible for sampling (all, or leaves only)
    private double _lastProgress;
    private int _splits;

    public RiacTeacher(TaskSpace space, ulong seed, TeacherOptions? options = null) : base("riac", space, seed, options)
    {
        _ranges = new double[space.Size];
        for (int i = 0; i < space.Size; i++) _ranges[i] = (double)space.High[i] - space.Low[i];
        _regions.Add(new Region(-1, (float[])space.Low.Clone(), (float[])space.High.Clone()));
        RefreshSampling();
    }

    public int RegionCount => _regions.Count;

    private int Capacity => Options.MaxRegionSize + 1;
    private int AlpWindow => Options.AlpWindow ?? Options.MaxRegionSize;
    private double MinRegionSize => Options.MinRegionSize ?? Options.MaxRegionSize / 20.0;

    /// <summary>|mean(older half) - mean(newer half)| of the last AlpWindow returns (0 with fewer than 3).</summary>
    internal double ComputeAlp(List<double> returns)
    {
        int n = returns.Count;
        if (n <= 2) return 0;
        int window = Math.Min(n, AlpWindow);
        int half = window / 2;
        double a = 0, b = 0;
        for (int i = n - window; i < n - half; i++) a += returns[i];
        for (int i = n - half; i < n; i++) b += returns[i];
        return Math.Abs(a / (window - half) - b / half);
    }

    protected override void UpdateCore(ReadOnlySpan<float> task, double normalizedReturn)
    {
        float[] t = task.ToArray();
        _touched.Clear();
        _toSplit = -1;
        AddTo(0, t, normalizedReturn);
        if (_toSplit >= 0 && Split(_toSplit)) RefreshSampling();
        foreach (int id in _touched) _regions[id].Alp = ComputeAlp(_regions[id].Returns);
        _lastProgress = _touched.Count > 0 ? _regions[_touched[^1]].Alp : 0;
        RefreshAlps();
    }

    // Every region containing the task keeps it (teachDeepRL's "copy all" mode); only a full leaf splits.
    private void AddTo(int id, float[] task, double r)
    {
        var reg = _regions[id];
        if (!reg.Contains(task)) return;
        _touched.Add(id);
        bool leaf = reg.Children.Count == 0;
        foreach (int c in reg.Children) AddTo(c, task, r);
        reg.Add(task, r, Capacity);
        if (leaf && reg.Returns.Count > Options.MaxRegionSize) _toSplit = id;
    }

    private bool Split(int id)
    {
        var reg = _regions[id];
        int d = Space.Size;
        double bestScore = double.NegativeInfinity;
        (float[] lo1, float[] hi1, float[] lo2, float[] hi2, List<int> in1, List<int> in2)? best = null;
        var in1 = new List<int>();
        var in2 = new List<int>();
        for (int attempt = 0; attempt < Options.SplitAttempts; attempt++)
        {
            // Draw cuts until both children hold enough pairs (teachDeepRL loops without a cap; a region of
            // identical tasks could never split, so give up after MaxCutTries).
            int dim = 0;
            float threshold = 0;
            bool populated = false;
            for (int tries = 0; tries < MaxCutTries && !populated; tries++)
            {
                dim = Rng.NextInt(d);
                threshold = (float)Rng.Uniform(reg.Low[dim], reg.High[dim]);
                in1.Clear();
                in2.Clear();
                for (int i = 0; i < reg.Tasks.Count; i++) (reg.Tasks[i][dim] <= threshold ? in1 : in2).Add(i);
                populated = in1.Count >= MinRegionSize && in2.Count >= MinRegionSize;
            }
            if (!populated) continue;
            double minWidth = Options.MinDimensionRangeRatio;
            bool valid = (threshold - reg.Low[dim]) >= _ranges[dim] * minWidth && (reg.High[dim] - threshold) >= _ranges[dim] * minWidth;
            for (int j = 0; j < d && valid; j++)
            {
                if (j != dim && reg.High[j] - reg.Low[j] < _ranges[j] * minWidth) valid = false;
            }
            if (!valid) continue;
            // teachDeepRL's score multiplies by len() of the two [returns, tasks] pairs, a constant 4: in effect
            // the ALP difference alone.
            double score = Math.Abs(ComputeAlp(Pick(reg.Returns, in1)) - ComputeAlp(Pick(reg.Returns, in2)));
            if (score >= bestScore)
            {
                bestScore = score;
                var hi1 = (float[])reg.High.Clone();
                hi1[dim] = threshold;
                var lo2 = (float[])reg.Low.Clone();
                lo2[dim] = threshold;
                best = ((float[])reg.Low.Clone(), hi1, lo2, (float[])reg.High.Clone(), [.. in1], [.. in2]);
            }
        }
        if (best is { } b)
        {
            AddChild(id, b.lo1, b.hi1, b.in1);
            AddChild(id, b.lo2, b.hi2, b.in2);
            _splits++;
            return true;
        }
        int drop = Math.Min(reg.Returns.Count, (int)(Options.MaxRegionSize * Options.DiscardRatio));
        reg.Returns.RemoveRange(0, drop);
        reg.Tasks.RemoveRange(0, drop);
        return false;
    }

    private void AddChild(int parent, float[] low, float[] high, List<int> members)
    {
        var reg = _regions[parent];
        var child = new Region(parent, low, high)
        {
            Returns = Pick(reg.Returns, members),
            Tasks = members.Select(i => reg.Tasks[i]).ToList(),
        };
        // teachDeepRL stores the ALP of the last attempted cut here; the chosen cut's ALP is what was meant.
        child.Alp = ComputeAlp(child.Returns);
        reg.Children.Add(_regions.Count);
        _regions.Add(child);
    }

    private static List<double> Pick(List<double> values, List<int> idx)
    {
        var l = new List<double>(idx.Count);
        foreach (int i in idx) l.Add(values[i]);
        return l;
    }

    private void RefreshSampling()
    {
        _sampled = Enumerable.Range(0, _regions.Count).Where(i => !Options.SampleLeavesOnly || _regions[i].Children.Count == 0).ToArray();
        RefreshAlps();
    }

    private void RefreshAlps()
    {
        if (_alps.Length != _sampled.Length) _alps = new double[_sampled.Length];
        for (int i = 0; i < _sampled.Length; i++) _alps[i] = _regions[_sampled[i]].Alp;
    }

    protected override void SampleCore(Span<float> task)
    {
        double mode = Rng.NextDouble();
        if (mode < 0.1)
        {
            if (Samples == 0)
            {
                SampleUniform(task);
                return;
            }
            var reg = _regions[_sampled[ProportionalChoice(_alps)]];
            if (reg.Returns.Count == 0)
            {
                UniformIn(reg, task);
                return;
            }
            int worst = 0;
            for (int i = 1; i < reg.Returns.Count; i++)
            {
                if (reg.Returns[i] < reg.Returns[worst]) worst = i;
            }
            var w = reg.Tasks[worst];
            for (int j = 0; j < task.Length; j++)
            {
                double v = w[j] + Options.MutationSigma * Rng.Normal();
                double lo = reg.Low[j] + RegionEpsilon, hi = reg.High[j] - RegionEpsilon;
                task[j] = (float)(lo <= hi ? Math.Clamp(v, lo, hi) : 0.5 * (reg.Low[j] + reg.High[j]));
            }
        }
        else if (mode < 0.3)
        {
            SampleUniform(task);
        }
        else
        {
            UniformIn(_regions[_sampled[ProportionalChoice(_alps)]], task);
        }
    }

    private void UniformIn(Region reg, Span<float> task)
    {
        for (int j = 0; j < task.Length; j++) task[j] = (float)Rng.Uniform(reg.Low[j], reg.High[j]);
    }

    protected override TeacherDiagnostics BuildDiagnostics()
    {
        double sum = _alps.Sum();
        var comps = new List<TeacherComponent>(_sampled.Length);
        for (int i = 0; i < _sampled.Length; i++)
        {
            var r = _regions[_sampled[i]];
            var mean = new double[Space.Size];
            for (int j = 0; j < mean.Length; j++) mean[j] = 0.5 * ((double)r.Low[j] + r.High[j]);
            comps.Add(new TeacherComponent(sum > 0 ? _alps[i] / sum : 1.0 / _alps.Length, r.Alp, mean, null, (float[])r.Low.Clone(), (float[])r.High.Clone()));
        }
        return new TeacherDiagnostics(Name, Updates, Samples, _lastProgress, _alps.Length > 0 ? _alps.Average() : 0, _splits, comps);
    }

    // ------------------------------------------------------------------ state

    protected override void SaveCore(IDictionary<string, double[]> state)
    {
        int d = Space.Size;
        var meta = new List<double>();
        var bounds = new List<double>();
        var returns = new List<double>();
        var tasks = new List<double>();
        foreach (var r in _regions)
        {
            meta.Add(r.Parent);
            meta.Add(r.Alp);
            meta.Add(r.Returns.Count);
            for (int j = 0; j < d; j++) bounds.Add(r.Low[j]);
            for (int j = 0; j < d; j++) bounds.Add(r.High[j]);
            returns.AddRange(r.Returns);
            foreach (var t in r.Tasks) foreach (float v in t) tasks.Add(v);
        }
        state["regions/meta"] = [.. meta];
        state["regions/bounds"] = [.. bounds];
        state["regions/returns"] = [.. returns];
        state["regions/tasks"] = [.. tasks];
        state["riac"] = [_splits, _lastProgress];
    }

    protected override void LoadCore(IReadOnlyDictionary<string, double[]> state)
    {
        int d = Space.Size;
        var meta = StateCodec.Get(state, "regions/meta");
        if (meta.Length == 0 || meta.Length % 3 != 0) throw new InvalidDataException($"Checkpoint entry 'regions/meta' has {meta.Length} values, not a positive multiple of 3.");
        int count = meta.Length / 3;
        var bounds = StateCodec.Get(state, "regions/bounds", count * 2 * d);
        var returns = StateCodec.Get(state, "regions/returns");
        var tasks = StateCodec.Get(state, "regions/tasks", returns.Length * d);
        var extra = StateCodec.Get(state, "riac", 2);
        var regions = new List<Region>(count);
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            int parent = (int)meta[3 * i];
            if (parent != meta[3 * i] || parent >= i || (i == 0) != (parent == -1) || (i > 0 && parent < 0))
                throw new InvalidDataException($"Checkpoint entry 'regions/meta': region {i} has parent {meta[3 * i]}.");
            int n = StateCodec.ToCount(meta[3 * i + 2], "regions/meta");
            if (offset + n > returns.Length) throw new InvalidDataException("Checkpoint entry 'regions/returns' is shorter than the regions' pair counts.");
            var low = new float[d];
            var high = new float[d];
            for (int j = 0; j < d; j++)
            {
                low[j] = (float)bounds[i * 2 * d + j];
                high[j] = (float)bounds[i * 2 * d + d + j];
            }
            var reg = new Region(parent, low, high) { Alp = meta[3 * i + 1] };
            for (int k = 0; k < n; k++)
            {
                reg.Returns.Add(returns[offset + k]);
                var t = new float[d];
                for (int j = 0; j < d; j++) t[j] = (float)tasks[(offset + k) * d + j];
                reg.Tasks.Add(t);
            }
            offset += n;
            if (parent >= 0) regions[parent].Children.Add(i);
            regions.Add(reg);
        }
        if (offset != returns.Length) throw new InvalidDataException("Checkpoint entry 'regions/returns' is longer than the regions' pair counts.");
        _regions.Clear();
        _regions.AddRange(regions);
        _splits = StateCodec.ToCount(extra[0], "riac");
        _lastProgress = extra[1];
        RefreshSampling();
    }
}
