namespace ControlRL.Learning.Curricula;

/// <summary>
/// Dense routines for the small symmetric matrices of the curricula (dimension = task size + 1 or 2, at most a
/// few dozen). Row-major spans, no allocation: a general linear-algebra package would cost more in copies than
/// these loops do.
/// </summary>
internal static class SmallMatrix
{
    /// <summary>
    /// Lower Cholesky factor of the symmetric <paramref name="a"/> ([d x d]) into <paramref name="l"/>
    /// (upper part zeroed). False when <paramref name="a"/> is not (numerically) positive definite.
    /// </summary>
    public static bool Cholesky(ReadOnlySpan<double> a, Span<double> l, int d)
    {
        l[..(d * d)].Clear();
        for (int j = 0; j < d; j++)
        {
            double s = a[j * d + j];
            for (int k = 0; k < j; k++) s -= l[j * d + k] * l[j * d + k];
            if (!(s > 0) || !double.IsFinite(s)) return false;
            double ljj = Math.Sqrt(s);
            l[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++)
            {
                double t = a[i * d + j];
                for (int k = 0; k < j; k++) t -= l[i * d + k] * l[j * d + k];
                l[i * d + j] = t / ljj;
            }
        }
        return true;
    }

    /// <summary>
    /// Cholesky of <paramref name="cov"/>, adding a growing ridge to its diagonal (written back into
    /// <paramref name="cov"/>) until it factors; a matrix with non-finite entries is replaced by the ridge alone.
    /// Always succeeds, so callers never see NaN.
    /// </summary>
    public static void RobustCholesky(Span<double> cov, Span<double> l, int d, double reg)
    {
        if (Cholesky(cov, l, d)) return;
        double scale = 0;
        for (int i = 0; i < d * d; i++)
        {
            if (!double.IsFinite(cov[i])) { scale = double.NaN; break; }
        }
        if (double.IsNaN(scale))
        {
            cov[..(d * d)].Clear();
            for (int i = 0; i < d; i++) cov[i * d + i] = Math.Max(reg, 1e-6);
            Cholesky(cov, l, d);
            return;
        }
        for (int i = 0; i < d; i++) scale = Math.Max(scale, Math.Abs(cov[i * d + i]));
        double ridge = Math.Max(reg, 1e-10) * 10;
        double floor = Math.Max(scale, 1e-6);
        for (int attempt = 0; attempt < 40; attempt++)
        {
            for (int i = 0; i < d; i++) cov[i * d + i] += ridge;
            if (Cholesky(cov, l, d)) return;
            ridge = Math.Min(ridge * 10, floor);
        }
        // Unreachable in practice: fall back to a diagonal matrix.
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++) cov[i * d + j] = i == j ? floor + reg : 0;
        }
        Cholesky(cov, l, d);
    }

    /// <summary>Solves L y = b in place (forward substitution) and returns |y|^2.</summary>
    public static double ForwardSolveSquaredNorm(ReadOnlySpan<double> l, Span<double> b, int d)
    {
        double sq = 0;
        for (int i = 0; i < d; i++)
        {
            double t = b[i];
            for (int k = 0; k < i; k++) t -= l[i * d + k] * b[k];
            t /= l[i * d + i];
            b[i] = t;
            sq += t * t;
        }
        return sq;
    }

    /// <summary>log det(L L^T) = 2 sum log L_ii.</summary>
    public static double LogDetFromCholesky(ReadOnlySpan<double> l, int d)
    {
        double s = 0;
        for (int i = 0; i < d; i++) s += Math.Log(l[i * d + i]);
        return 2 * s;
    }
}
