namespace ControlRL.Learning.Curricula;

/// <summary>Which criterion picks the number of Gaussians among <see cref="TeacherOptions.MinComponents"/>..<see cref="TeacherOptions.MaxComponents"/>.</summary>
public enum GmmCriterion
{
    Aic,
    Bic,

    /// <summary>AIC + 2p(p+1)/(n-p-1) (small-sample correction).</summary>
    Aicc,
}

/// <summary>
/// Teacher settings. Defaults are teachDeepRL's (ALP-GMM, Covar-GMM, RIAC on the parameterized walker).
/// Each teacher reads the ones it needs.
/// </summary>
public sealed record TeacherOptions
{
    /// <summary>Raw returns are mapped linearly from [ReturnLow, ReturnHigh] to [0, 1] and clipped (teachDeepRL's walker: [-150, 350]).</summary>
    public double ReturnLow { get; init; } = -150;

    public double ReturnHigh { get; init; } = 350;

    // --- ALP-GMM and Covar-GMM

    /// <summary>Episodes between two GMM fits; each fit uses the last FitRate episodes.</summary>
    public int FitRate { get; init; } = 250;

    /// <summary>Episodes of uniform sampling before the first fit (null: <see cref="FitRate"/>, as teachDeepRL).</summary>
    public int? BootstrapEpisodes { get; init; }

    public int MinComponents { get; init; } = 2;
    public int MaxComponents { get; init; } = 10;
    public GmmCriterion Criterion { get; init; } = GmmCriterion.Aic;

    /// <summary>Share of tasks drawn uniformly once the GMM is fitted.</summary>
    public double RandomTaskRatio { get; init; } = 0.2;

    /// <summary>EM settings of each GMM fit (scikit-learn defaults: 1 init, 100 iterations, tol 1e-3, reg 1e-6).</summary>
    public GmmFitOptions Gmm { get; init; } = new();

    /// <summary>Covar-GMM: use |cov(t, r)| instead of max(0, cov(t, r)) as a component's progress.</summary>
    public bool AbsoluteLearningProgress { get; init; }

    // --- RIAC

    /// <summary>(task, return) pairs a leaf region holds before it splits.</summary>
    public int MaxRegionSize { get; init; } = 200;

    /// <summary>Window of the ALP of a region (null: <see cref="MaxRegionSize"/>).</summary>
    public int? AlpWindow { get; init; }

    public int SplitAttempts { get; init; } = 50;

    /// <summary>Pairs each child of a split needs (null: MaxRegionSize / 20 = 10).</summary>
    public double? MinRegionSize { get; init; }

    /// <summary>Each child must span at least this share of the task space's range in every dimension.</summary>
    public double MinDimensionRangeRatio { get; init; } = 1.0 / 15;

    /// <summary>Share of a full leaf's oldest pairs dropped when no split is valid.</summary>
    public double DiscardRatio { get; init; } = 0.25;

    /// <summary>Sample among leaves only (teachDeepRL default: every region of the tree).</summary>
    public bool SampleLeavesOnly { get; init; }

    /// <summary>Standard deviation (task units) of the mutation of a region's worst task.</summary>
    public double MutationSigma { get; init; } = 0.1;

    internal int Bootstrap => BootstrapEpisodes ?? FitRate;

    internal void Validate()
    {
        if (!double.IsFinite(ReturnLow) || !double.IsFinite(ReturnHigh) || !(ReturnHigh > ReturnLow))
            throw new ArgumentException($"Teacher return range [{ReturnLow}, {ReturnHigh}] must be finite with high > low.");
        if (FitRate < 2) throw new ArgumentOutOfRangeException(nameof(FitRate), FitRate, "FitRate must be >= 2.");
        if (BootstrapEpisodes is < 0) throw new ArgumentOutOfRangeException(nameof(BootstrapEpisodes), BootstrapEpisodes, "Must be >= 0.");
        if (MinComponents < 1 || MaxComponents < MinComponents)
            throw new ArgumentException($"GMM component range [{MinComponents}, {MaxComponents}] is invalid.");
        if (MinComponents > FitRate) throw new ArgumentException($"MinComponents {MinComponents} exceeds the {FitRate} samples of a fit.");
        if (!(RandomTaskRatio >= 0 && RandomTaskRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(RandomTaskRatio), RandomTaskRatio, "Must be in [0, 1].");
        ArgumentNullException.ThrowIfNull(Gmm);
        Gmm.Validate();
        if (MaxRegionSize < 2) throw new ArgumentOutOfRangeException(nameof(MaxRegionSize), MaxRegionSize, "Must be >= 2.");
        if (AlpWindow is < 2) throw new ArgumentOutOfRangeException(nameof(AlpWindow), AlpWindow, "Must be >= 2.");
        if (SplitAttempts < 1) throw new ArgumentOutOfRangeException(nameof(SplitAttempts), SplitAttempts, "Must be >= 1.");
        if (MinRegionSize is < 0) throw new ArgumentOutOfRangeException(nameof(MinRegionSize), MinRegionSize, "Must be >= 0.");
        if (!(MinDimensionRangeRatio >= 0 && MinDimensionRangeRatio < 0.5))
            throw new ArgumentOutOfRangeException(nameof(MinDimensionRangeRatio), MinDimensionRangeRatio, "Must be in [0, 0.5).");
        if (!(DiscardRatio > 0 && DiscardRatio < 1)) throw new ArgumentOutOfRangeException(nameof(DiscardRatio), DiscardRatio, "Must be in (0, 1).");
        if (!(MutationSigma >= 0) || !double.IsFinite(MutationSigma)) throw new ArgumentOutOfRangeException(nameof(MutationSigma), MutationSigma, "Must be finite and >= 0.");
    }
}
