using ControlRL.Core.Tasks;

namespace ControlRL.Learning.Curricula;

/// <summary>
/// What ALP-GMM and Covar-GMM share: a window of per-episode feature rows, a GMM refitted every FitRate
/// episodes for k = MinComponents..MaxComponents (best by the criterion), and sampling of a component in
/// proportion to its progress, keeping only the task coordinates of the draw.
/// </summary>
public abstract class GmmTeacherBase : TeacherBase
{
    private readonly double[] _sample;
    private double[] _progress = [];

    protected GmmTeacherBase(string name, TaskSpace space, ulong seed, TeacherOptions? options, int extraColumns)
        : base(name, space, seed, options)
    {
        FeatureSize = space.Size + extraColumns;
        _sample = new double[FeatureSize];
    }

    /// <summary>Columns of a fitted row: the task, then the teacher's extra columns.</summary>
    public int FeatureSize { get; }

    /// <summary>The GMM in use (null until the first fit).</summary>
    public GaussianMixture? Gmm { get; private set; }

    public int Fits { get; private set; }

    /// <summary>Rows fitted so far, [episodes x FeatureSize], in episode order.</summary>
    protected List<double> Rows { get; private set; } = [];

    protected int RowCount => Rows.Count / FeatureSize;

    /// <summary>Progress of a component (ALP of its mean, positive time-return covariance).</summary>
    protected abstract double ComponentProgress(GaussianMixture gmm, int component);

    /// <summary>Seed of the k-means++ initialisation of fit number <paramref name="fit"/>.</summary>
    protected abstract ulong FitSeed(int fit);

    /// <summary>Appends the row of an episode and refits when it is time (teachDeepRL's schedule).</summary>
    protected void AddRow(ReadOnlySpan<double> row)
    {
        foreach (double v in row) Rows.Add(v);
        int n = RowCount;
        int rate = Options.FitRate;
        if (n >= Options.Bootstrap && n % rate == 0) Refit();
    }

    private void Refit()
    {
        var window = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Rows)[((RowCount - Options.FitRate) * FeatureSize)..];
        int n = Options.FitRate;
        GaussianMixture? best = null;
        double bestScore = double.PositiveInfinity;
        ulong seed = FitSeed(Fits);
        for (int k = Options.MinComponents; k <= Math.Min(Options.MaxComponents, n); k++)
        {
            var g = GaussianMixture.Fit(window, FeatureSize, k, seed, Options.Gmm);
            double score = Options.Criterion switch
            {
                GmmCriterion.Bic => g.Bic(window),
                GmmCriterion.Aicc => g.Aic(window) + AiccPenalty(g.ParameterCount, n),
                _ => g.Aic(window),
            };
            if (best is null || score < bestScore) // first of equals, as numpy.argmin
            {
                best = g;
                bestScore = score;
            }
        }
        Gmm = best;
        Fits++;
        _progress = new double[best!.Components];
        for (int c = 0; c < best.Components; c++) _progress[c] = ComponentProgress(best, c);
    }

    private static double AiccPenalty(int p, int n) => n - p - 1 > 0 ? 2.0 * p * (p + 1) / (n - p - 1) : double.PositiveInfinity;

    protected override void SampleCore(Span<float> task)
    {
        // Same order of draws as teachDeepRL: no ratio draw during bootstrap.
        if (Gmm is null || RowCount < Options.Bootstrap || Rng.NextDouble() < Options.RandomTaskRatio)
        {
            SampleUniform(task);
            return;
        }
        int c = ProportionalChoice(_progress);
        Gmm.Sample(c, Rng, _sample);
        ClipToSpace(_sample, task);
    }

    protected override TeacherDiagnostics BuildDiagnostics()
    {
        var comps = new List<TeacherComponent>();
        if (Gmm is { } g)
        {
            for (int c = 0; c < g.Components; c++)
                comps.Add(new TeacherComponent(g.Weight(c), _progress[c], g.Mean(c).ToArray(), g.Covariance(c).ToArray()));
        }
        return new TeacherDiagnostics(Name, Updates, Samples, LastProgress, MeanRecentProgress, Fits, comps);
    }

    protected virtual double LastProgress => 0;
    protected virtual double MeanRecentProgress => 0;

    protected override void SaveCore(IDictionary<string, double[]> state)
    {
        state["rows"] = [.. Rows];
        state["fits"] = [Fits];
        StateCodec.SaveGmm(state, "gmm", Gmm);
    }

    protected override void LoadCore(IReadOnlyDictionary<string, double[]> state)
    {
        var rows = StateCodec.Get(state, "rows");
        if (rows.Length % FeatureSize != 0) throw new InvalidDataException($"Checkpoint entry 'rows' has {rows.Length} values, not a multiple of {FeatureSize}.");
        var list = StateCodec.ToDoubles(rows, "rows");
        int fits = StateCodec.ToCount(StateCodec.Get(state, "fits", 1)[0], "fits");
        var gmm = StateCodec.LoadGmm(state, "gmm", FeatureSize, Options.Gmm.RegCovar);
        LoadExtra(state, list.Count / FeatureSize);
        Rows = list;
        Fits = fits;
        Gmm = gmm;
        _progress = gmm is null ? [] : Enumerable.Range(0, gmm.Components).Select(c => ComponentProgress(gmm, c)).ToArray();
    }

    /// <summary>Loads subclass state; <paramref name="rowCount"/> is the number of restored rows.</summary>
    protected virtual void LoadExtra(IReadOnlyDictionary<string, double[]> state, int rowCount) { }
}

/// <summary>
/// ALP-GMM (Portelas et al. 2019, teachDeepRL alp_gmm.py). Each episode's absolute learning progress is
/// |r - r_nn|, r the normalised return and r_nn that of the nearest earlier task (0 while the history holds at
/// most 5 episodes). GMMs are fitted on [task, ALP] rows of the last FitRate episodes; a component is chosen in
/// proportion to the ALP coordinate of its mean. Task coordinates are used as they are (not rescaled), as in
/// teachDeepRL.
/// </summary>
public sealed class AlpGmmTeacher : GmmTeacherBase
{
    private readonly NearestNeighborIndex _knn;
    private readonly List<double> _returns = [];
    private readonly double[] _row;
    private double _lastAlp;

    public AlpGmmTeacher(TaskSpace space, ulong seed, TeacherOptions? options = null)
        : base("alp-gmm", space, seed, options, extraColumns: 1)
    {
        _knn = new NearestNeighborIndex(space.Size);
        _row = new double[FeatureSize];
    }

    /// <summary>ALP of the last update.</summary>
    public double LastAlp => _lastAlp;

    /// <summary>ALP of <paramref name="normalizedReturn"/> on <paramref name="task"/> against the history so far.</summary>
    public double ComputeAlp(ReadOnlySpan<float> task, double normalizedReturn)
    {
        if (_knn.Count <= 5) return 0;
        return Math.Abs(normalizedReturn - _returns[_knn.Nearest(task)]);
    }

    protected override void UpdateCore(ReadOnlySpan<float> task, double normalizedReturn)
    {
        double alp = ComputeAlp(task, normalizedReturn);
        _knn.Add(task);
        _returns.Add(normalizedReturn);
        _lastAlp = alp;
        for (int i = 0; i < task.Length; i++) _row[i] = task[i];
        _row[task.Length] = alp;
        AddRow(_row);
    }

    protected override double ComponentProgress(GaussianMixture gmm, int component) => gmm.Mean(component)[FeatureSize - 1];

    // teachDeepRL gives every fit the teacher's seed as random_state.
    protected override ulong FitSeed(int fit) => Seed;

    protected override double LastProgress => _lastAlp;

    protected override double MeanRecentProgress
    {
        get
        {
            int n = Math.Min(RowCount, Options.FitRate);
            if (n == 0) return 0;
            double s = 0;
            for (int i = RowCount - n; i < RowCount; i++) s += Rows[i * FeatureSize + FeatureSize - 1];
            return s / n;
        }
    }

    protected override void SaveCore(IDictionary<string, double[]> state)
    {
        base.SaveCore(state);
        state["returns"] = [.. _returns];
        state["last_alp"] = [_lastAlp];
    }

    protected override void LoadExtra(IReadOnlyDictionary<string, double[]> state, int rowCount)
    {
        var returns = StateCodec.Get(state, "returns", rowCount);
        var last = StateCodec.Get(state, "last_alp", 1);
        var rows = StateCodec.Get(state, "rows");
        _knn.Clear();
        _returns.Clear();
        var task = new float[Space.Size];
        for (int r = 0; r < rowCount; r++)
        {
            for (int j = 0; j < task.Length; j++) task[j] = (float)rows[r * FeatureSize + j];
            _knn.Add(task);
            _returns.Add(returns[r]);
        }
        _lastAlp = last[0];
    }
}

/// <summary>
/// Covar-GMM (Moulin-Frier et al. 2014, teachDeepRL covar_gmm.py). GMMs are fitted on [task, t, r] rows of the
/// last FitRate episodes, t = (episode index mod FitRate) / FitRate and r the normalised return; a component's
/// progress is max(0, cov(t, r)) (|cov(t, r)| with <see cref="TeacherOptions.AbsoluteLearningProgress"/>).
/// </summary>
public sealed class CovarGmmTeacher : GmmTeacherBase
{
    private readonly double[] _row;

    public CovarGmmTeacher(TaskSpace space, ulong seed, TeacherOptions? options = null)
        : base("covar-gmm", space, seed, options, extraColumns: 2)
    {
        _row = new double[FeatureSize];
    }

    protected override void UpdateCore(ReadOnlySpan<float> task, double normalizedReturn)
    {
        for (int i = 0; i < task.Length; i++) _row[i] = task[i];
        _row[task.Length] = (double)(RowCount % Options.FitRate) / Options.FitRate;
        _row[task.Length + 1] = normalizedReturn;
        AddRow(_row);
    }

    protected override double ComponentProgress(GaussianMixture gmm, int component)
    {
        int d = FeatureSize;
        double cov = gmm.Covariance(component)[(d - 2) * d + d - 1];
        return Options.AbsoluteLearningProgress ? Math.Abs(cov) : Math.Max(0, cov);
    }

    // teachDeepRL leaves these fits unseeded; a seed per fit keeps runs reproducible.
    protected override ulong FitSeed(int fit) => unchecked(Seed * 0x9E3779B97F4A7C15UL + (ulong)fit + 1);
}
