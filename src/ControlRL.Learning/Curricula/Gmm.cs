using ControlRL.Core.Random;

namespace ControlRL.Learning.Curricula;

/// <summary>Settings of <see cref="GaussianMixture.Fit"/>; the defaults are scikit-learn's GaussianMixture defaults.</summary>
public sealed record GmmFitOptions
{
    /// <summary>EM iterations per initialisation.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>EM stops when the mean log-likelihood per sample changes by less than this.</summary>
    public double Tolerance { get; init; } = 1e-3;

    /// <summary>Added to every covariance diagonal so no component collapses onto a point or a line.</summary>
    public double RegCovar { get; init; } = 1e-6;

    /// <summary>Independent k-means++ / EM runs; the one with the highest log-likelihood is kept.</summary>
    public int Inits { get; init; } = 1;

    /// <summary>Lloyd iterations of the k-means that initialises EM.</summary>
    public int KMeansIterations { get; init; } = 300;

    internal void Validate()
    {
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "Need at least one EM iteration.");
        if (!(Tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be >= 0.");
        if (!(RegCovar >= 0) || !double.IsFinite(RegCovar)) throw new ArgumentOutOfRangeException(nameof(RegCovar), RegCovar, "RegCovar must be finite and >= 0.");
        if (Inits < 1) throw new ArgumentOutOfRangeException(nameof(Inits), Inits, "Need at least one initialisation.");
        if (KMeansIterations < 0) throw new ArgumentOutOfRangeException(nameof(KMeansIterations), KMeansIterations, "Must be >= 0.");
    }
}

/// <summary>
/// A Gaussian mixture with full covariances, fitted by EM (k-means++ then Lloyd's k-means to initialise, as
/// scikit-learn's <c>init_params="kmeans"</c>). Data are row-major spans of <c>n x Dimension</c> doubles.
/// Every covariance is kept factorable: the M-step adds <see cref="GmmFitOptions.RegCovar"/> to the diagonal,
/// and a matrix that still fails Cholesky gets a growing ridge, so densities are always finite.
/// </summary>
public sealed class GaussianMixture
{
    private const double Log2Pi = 1.8378770664093453;

    private readonly double[] _weights;
    private readonly double[] _means;       // [k x d]
    private readonly double[] _covariances; // [k x d x d]
    private readonly double[] _chol;        // [k x d x d], lower factors
    private readonly double[] _logDet;      // [k]

    /// <summary>A mixture with the given parameters (weights are renormalised; covariances are regularised if they do not factor).</summary>
    public GaussianMixture(int dimension, double[] weights, double[] means, double[] covariances, double regCovar = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(covariances);
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Dimension must be >= 1.");
        int k = weights.Length;
        if (k < 1) throw new ArgumentException("A mixture needs at least one component.", nameof(weights));
        if (means.Length != k * dimension) throw new ArgumentException($"Expected {k}x{dimension} means, got {means.Length} values.", nameof(means));
        if (covariances.Length != k * dimension * dimension)
            throw new ArgumentException($"Expected {k}x{dimension}x{dimension} covariances, got {covariances.Length} values.", nameof(covariances));
        Dimension = dimension;
        Components = k;
        _weights = (double[])weights.Clone();
        _means = (double[])means.Clone();
        _covariances = (double[])covariances.Clone();
        _chol = new double[k * dimension * dimension];
        _logDet = new double[k];
        double sum = 0;
        foreach (double w in _weights) sum += double.IsFinite(w) && w > 0 ? w : 0;
        // Renormalise only when needed, so saved parameters reload bit for bit.
        if (Math.Abs(sum - 1) > 1e-12 || _weights.Any(w => !(w >= 0) || !double.IsFinite(w)))
        {
            for (int c = 0; c < k; c++) _weights[c] = sum > 0 ? (double.IsFinite(_weights[c]) && _weights[c] > 0 ? _weights[c] / sum : 0) : 1.0 / k;
        }
        for (int i = 0; i < _means.Length; i++)
        {
            if (!double.IsFinite(_means[i])) _means[i] = 0;
        }
        Factor(regCovar);
    }

    public int Dimension { get; }
    public int Components { get; }

    /// <summary>Whether the EM run that produced this mixture met the tolerance (true for hand-made mixtures).</summary>
    public bool Converged { get; private set; } = true;

    /// <summary>EM iterations of the kept run.</summary>
    public int Iterations { get; private set; }

    /// <summary>Mean log-likelihood per sample of the training data at the end of the kept run.</summary>
    public double TrainingMeanLogLikelihood { get; private set; } = double.NaN;

    public double Weight(int component) => _weights[component];
    public ReadOnlySpan<double> Mean(int component) => _means.AsSpan(component * Dimension, Dimension);
    public ReadOnlySpan<double> Covariance(int component) => _covariances.AsSpan(component * Dimension * Dimension, Dimension * Dimension);

    internal double[] WeightsArray => _weights;
    internal double[] MeansArray => _means;
    internal double[] CovariancesArray => _covariances;

    /// <summary>Free parameters (full covariance): k d(d+1)/2 + k d + k - 1.</summary>
    public int ParameterCount => ParameterCountFor(Components, Dimension);

    public static int ParameterCountFor(int components, int dimension) =>
        components * dimension * (dimension + 1) / 2 + components * dimension + components - 1;

    private void Factor(double reg)
    {
        int d = Dimension, dd = d * d;
        for (int c = 0; c < Components; c++)
        {
            var cov = _covariances.AsSpan(c * dd, dd);
            // Symmetrise: sums of outer products in floating point can differ in the last bit across the diagonal.
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    double m = 0.5 * (cov[i * d + j] + cov[j * d + i]);
                    cov[i * d + j] = m;
                    cov[j * d + i] = m;
                }
            }
            SmallMatrix.RobustCholesky(cov, _chol.AsSpan(c * dd, dd), d, reg);
            _logDet[c] = SmallMatrix.LogDetFromCholesky(_chol.AsSpan(c * dd, dd), d);
        }
    }

    /// <summary>log N(x; mean_c, cov_c) (without the weight).</summary>
    public double ComponentLogDensity(int component, ReadOnlySpan<double> x)
    {
        int d = Dimension;
        Span<double> diff = d <= 64 ? stackalloc double[d] : new double[d];
        var mean = Mean(component);
        for (int j = 0; j < d; j++) diff[j] = x[j] - mean[j];
        double maha = SmallMatrix.ForwardSolveSquaredNorm(_chol.AsSpan(component * d * d, d * d), diff, d);
        return -0.5 * (d * Log2Pi + _logDet[component] + maha);
    }

    /// <summary>log p(x) of the mixture (log-sum-exp over components).</summary>
    public double LogDensity(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimension) throw new ArgumentException($"A point has {Dimension} coordinates, got {x.Length}.", nameof(x));
        Span<double> lp = Components <= 64 ? stackalloc double[Components] : new double[Components];
        for (int c = 0; c < Components; c++)
            lp[c] = (_weights[c] > 0 ? Math.Log(_weights[c]) : double.NegativeInfinity) + ComponentLogDensity(c, x);
        return LogSumExp(lp);
    }

    /// <summary>Total log-likelihood of the rows of <paramref name="data"/>.</summary>
    public double LogLikelihood(ReadOnlySpan<double> data)
    {
        int n = Rows(data, Dimension);
        double total = 0;
        for (int i = 0; i < n; i++) total += LogDensity(data.Slice(i * Dimension, Dimension));
        return total;
    }

    /// <summary>Akaike information criterion as scikit-learn: -2 log L + 2 p.</summary>
    public double Aic(ReadOnlySpan<double> data) => -2 * LogLikelihood(data) + 2 * ParameterCount;

    /// <summary>Bayesian information criterion as scikit-learn: -2 log L + p ln n.</summary>
    public double Bic(ReadOnlySpan<double> data) => -2 * LogLikelihood(data) + ParameterCount * Math.Log(Rows(data, Dimension));

    /// <summary>Draws x ~ N(mean_c, cov_c) into <paramref name="x"/>.</summary>
    public void Sample(int component, Rng rng, Span<double> x)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if ((uint)component >= (uint)Components) throw new ArgumentOutOfRangeException(nameof(component));
        int d = Dimension;
        Span<double> z = d <= 64 ? stackalloc double[d] : new double[d];
        for (int j = 0; j < d; j++) z[j] = rng.Normal();
        var l = _chol.AsSpan(component * d * d, d * d);
        var mean = Mean(component);
        for (int i = 0; i < d; i++)
        {
            double s = mean[i];
            for (int k = 0; k <= i; k++) s += l[i * d + k] * z[k];
            x[i] = s;
        }
    }

    internal static double LogSumExp(ReadOnlySpan<double> v)
    {
        double max = double.NegativeInfinity;
        foreach (double x in v) max = Math.Max(max, x);
        if (double.IsNegativeInfinity(max)) return double.NegativeInfinity;
        double s = 0;
        foreach (double x in v) s += Math.Exp(x - max);
        return max + Math.Log(s);
    }

    private static int Rows(ReadOnlySpan<double> data, int d)
    {
        if (data.Length == 0 || data.Length % d != 0)
            throw new ArgumentException($"Data must be a non-empty row-major n x {d} array; got {data.Length} values.", nameof(data));
        return data.Length / d;
    }

    // ------------------------------------------------------------------ fitting

    /// <summary>
    /// Fits a <paramref name="components"/>-component mixture to the rows of <paramref name="data"/>. Deterministic
    /// for a given seed. Of <see cref="GmmFitOptions.Inits"/> runs, the one with the highest final mean
    /// log-likelihood is returned.
    /// </summary>
    public static GaussianMixture Fit(ReadOnlySpan<double> data, int dimension, int components, ulong seed, GmmFitOptions? options = null)
    {
        options ??= new GmmFitOptions();
        options.Validate();
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Dimension must be >= 1.");
        int n = Rows(data, dimension);
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "Need at least one component.");
        if (n < components) throw new ArgumentException($"Cannot fit {components} components to {n} samples.", nameof(data));
        for (int i = 0; i < data.Length; i++)
        {
            if (!double.IsFinite(data[i])) throw new ArgumentException($"Data value {i} (row {i / dimension}) is not finite.", nameof(data));
        }

        var rng = new Rng(seed);
        var work = new EmWork(n, dimension, components);
        GaussianMixture? best = null;
        for (int init = 0; init < options.Inits; init++)
        {
            var gmm = RunEm(data, n, dimension, components, rng, options, work);
            if (best is null || gmm.TrainingMeanLogLikelihood > best.TrainingMeanLogLikelihood) best = gmm;
        }
        return best!;
    }

    private sealed class EmWork(int n, int d, int k)
    {
        public readonly double[] Resp = new double[n * k];
        public readonly double[] Nk = new double[k];
        public readonly double[] LogP = new double[k];
        public readonly double[] Diff = new double[d];
        public readonly int[] Labels = new int[n];
    }

    private static GaussianMixture RunEm(ReadOnlySpan<double> x, int n, int d, int k, Rng rng, GmmFitOptions o, EmWork w)
    {
        // Initialise responsibilities with hard k-means labels.
        KMeans(x, n, d, k, rng, o.KMeansIterations, w.Labels);
        Array.Clear(w.Resp);
        for (int i = 0; i < n; i++) w.Resp[i * k + w.Labels[i]] = 1;
        var gmm = new GaussianMixture(d, k);
        gmm.MStep(x, n, w, o.RegCovar);

        double lowerBound = double.NegativeInfinity;
        bool converged = false;
        int iter = 0;
        for (iter = 1; iter <= o.MaxIterations; iter++)
        {
            double prev = lowerBound;
            lowerBound = gmm.EStep(x, n, w);
            gmm.MStep(x, n, w, o.RegCovar);
            if (Math.Abs(lowerBound - prev) < o.Tolerance)
            {
                converged = true;
                break;
            }
        }
        gmm.Converged = converged;
        gmm.Iterations = Math.Min(iter, o.MaxIterations);
        gmm.TrainingMeanLogLikelihood = gmm.LogLikelihood(x) / n;
        return gmm;
    }

    private GaussianMixture(int d, int k)
    {
        Dimension = d;
        Components = k;
        _weights = new double[k];
        _means = new double[k * d];
        _covariances = new double[k * d * d];
        _chol = new double[k * d * d];
        _logDet = new double[k];
    }

    /// <summary>Fills responsibilities; returns the mean log-likelihood per sample.</summary>
    private double EStep(ReadOnlySpan<double> x, int n, EmWork w)
    {
        int k = Components;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * Dimension, Dimension);
            for (int c = 0; c < k; c++)
                w.LogP[c] = (_weights[c] > 0 ? Math.Log(_weights[c]) : -1e300) + ComponentLogDensity(c, xi);
            double lse = LogSumExp(w.LogP);
            total += lse;
            for (int c = 0; c < k; c++) w.Resp[i * k + c] = Math.Exp(w.LogP[c] - lse);
        }
        return total / n;
    }

    private void MStep(ReadOnlySpan<double> x, int n, EmWork w, double reg)
    {
        int d = Dimension, k = Components, dd = d * d;
        // As scikit-learn: a tiny floor on each component's mass keeps empty components finite.
        const double floor = 10 * 2.220446049250313e-16;
        Array.Clear(w.Nk);
        Array.Clear(_means);
        Array.Clear(_covariances);
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            for (int c = 0; c < k; c++)
            {
                double r = w.Resp[i * k + c];
                if (r == 0) continue;
                w.Nk[c] += r;
                var m = _means.AsSpan(c * d, d);
                for (int j = 0; j < d; j++) m[j] += r * xi[j];
            }
        }
        double sum = 0;
        for (int c = 0; c < k; c++)
        {
            w.Nk[c] += floor;
            sum += w.Nk[c];
            var m = _means.AsSpan(c * d, d);
            for (int j = 0; j < d; j++) m[j] /= w.Nk[c];
        }
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            for (int c = 0; c < k; c++)
            {
                double r = w.Resp[i * k + c];
                if (r == 0) continue;
                var m = _means.AsSpan(c * d, d);
                for (int j = 0; j < d; j++) w.Diff[j] = xi[j] - m[j];
                var cov = _covariances.AsSpan(c * dd, dd);
                for (int a = 0; a < d; a++)
                {
                    double ra = r * w.Diff[a];
                    for (int b = 0; b <= a; b++) cov[a * d + b] += ra * w.Diff[b];
                }
            }
        }
        for (int c = 0; c < k; c++)
        {
            _weights[c] = w.Nk[c] / sum;
            var cov = _covariances.AsSpan(c * dd, dd);
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b <= a; b++)
                {
                    double v = cov[a * d + b] / w.Nk[c];
                    cov[a * d + b] = v;
                    cov[b * d + a] = v;
                }
                cov[a * d + a] += reg;
            }
        }
        Factor(reg);
    }

    // ------------------------------------------------------------------ k-means

    /// <summary>
    /// Greedy k-means++ seeding (scikit-learn's: 2 + ln k candidates per centre, the one that lowers the
    /// potential most is kept). Returns the indices of the chosen rows; deterministic for a given generator state.
    /// </summary>
    public static int[] KMeansPlusPlus(ReadOnlySpan<double> data, int dimension, int k, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int n = Rows(data, dimension);
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"Need 1 <= k <= {n}.");
        int d = dimension;
        int trials = 2 + (int)Math.Log(k);
        var chosen = new int[k];
        var closest = new double[n];
        var candidateDist = new double[n];
        var bestDist = new double[n];
        chosen[0] = rng.NextInt(n);
        double potential = 0;
        for (int i = 0; i < n; i++)
        {
            closest[i] = SquaredDistance(data.Slice(i * d, d), data.Slice(chosen[0] * d, d));
            potential += closest[i];
        }
        for (int c = 1; c < k; c++)
        {
            int bestCandidate = -1;
            double bestPotential = double.PositiveInfinity;
            for (int t = 0; t < trials; t++)
            {
                int cand;
                if (potential > 0)
                {
                    double u = rng.NextDouble() * potential, acc = 0;
                    cand = n - 1;
                    for (int i = 0; i < n; i++)
                    {
                        acc += closest[i];
                        if (acc > u) { cand = i; break; }
                    }
                }
                else
                {
                    cand = rng.NextInt(n); // every point coincides with a centre
                }
                double pot = 0;
                var cx = data.Slice(cand * d, d);
                for (int i = 0; i < n; i++)
                {
                    candidateDist[i] = Math.Min(closest[i], SquaredDistance(data.Slice(i * d, d), cx));
                    pot += candidateDist[i];
                }
                if (pot < bestPotential)
                {
                    bestPotential = pot;
                    bestCandidate = cand;
                    Array.Copy(candidateDist, bestDist, n);
                }
            }
            chosen[c] = bestCandidate;
            Array.Copy(bestDist, closest, n);
            potential = bestPotential;
        }
        return chosen;
    }

    /// <summary>k-means++ then Lloyd iterations; writes each row's cluster into <paramref name="labels"/> and returns the centres.</summary>
    internal static double[] KMeans(ReadOnlySpan<double> x, int n, int d, int k, Rng rng, int maxIterations, int[] labels)
    {
        int[] seeds = KMeansPlusPlus(x, d, k, rng);
        var centers = new double[k * d];
        for (int c = 0; c < k; c++) x.Slice(seeds[c] * d, d).CopyTo(centers.AsSpan(c * d, d));
        var counts = new int[k];
        var sums = new double[k * d];
        Assign(x, n, d, k, centers, labels);
        for (int it = 0; it < maxIterations; it++)
        {
            Array.Clear(counts);
            Array.Clear(sums);
            for (int i = 0; i < n; i++)
            {
                int c = labels[i];
                counts[c]++;
                for (int j = 0; j < d; j++) sums[c * d + j] += x[i * d + j];
            }
            for (int c = 0; c < k; c++)
            {
                if (counts[c] == 0) continue; // an empty cluster keeps its centre
                for (int j = 0; j < d; j++) centers[c * d + j] = sums[c * d + j] / counts[c];
            }
            if (!Assign(x, n, d, k, centers, labels)) break;
        }
        return centers;
    }

    /// <summary>Nearest centre per row (lowest index on ties); returns whether any label changed.</summary>
    private static bool Assign(ReadOnlySpan<double> x, int n, int d, int k, double[] centers, int[] labels)
    {
        bool changed = false;
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            int best = 0;
            double bestD = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                double dist = SquaredDistance(xi, centers.AsSpan(c * d, d));
                if (dist < bestD) { bestD = dist; best = c; }
            }
            if (labels[i] != best) changed = true;
            labels[i] = best;
        }
        return changed;
    }

    internal static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }
}
