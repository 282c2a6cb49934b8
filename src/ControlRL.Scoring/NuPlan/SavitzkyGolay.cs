namespace ControlRL.Scoring.NuPlan;

/// <summary>
/// <c>scipy.signal.savgol_filter(x, window_length, polyorder, deriv, delta)</c> with its default mode 'interp', which
/// the nuPlan devkit uses to smooth and differentiate the ego's accelerations and heading
/// (nuplan/planning/metrics/utils/state_extractors.py). Each output is the deriv-th derivative of the least-squares
/// polynomial through a window of samples: in the interior the window around the sample (for an even window, as
/// scipy does, the fit is evaluated half a sample later: the window's centre); the first and last window_length / 2
/// outputs come from the polynomial fitted to the first and last window.
/// </summary>
public static class SavitzkyGolay
{
    public static double[] Filter(IReadOnlyList<double> x, int window, int polyorder, int deriv = 0, double delta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Count;
        if (polyorder >= window) throw new ArgumentException($"polyorder ({polyorder}) must be less than the window ({window}).", nameof(polyorder));
        if (window > n) throw new ArgumentException($"The window ({window}) is longer than the data ({n}).", nameof(window));
        if (deriv < 0) throw new ArgumentOutOfRangeException(nameof(deriv));

        var y = new double[n];
        int half = window / 2;
        int back = (window - 1) / 2;
        var centre = Weights(window, polyorder, deriv, delta, (window - 1) / 2.0);
        for (int i = half; i < n - half; i++) y[i] = Dot(centre, x, i - back);
        for (int k = 0; k < half; k++)
        {
            y[k] = Dot(Weights(window, polyorder, deriv, delta, k), x, 0);
            y[n - half + k] = Dot(Weights(window, polyorder, deriv, delta, window - half + k), x, n - window);
        }
        return y;
    }

    private static double Dot(double[] w, IReadOnlyList<double> x, int start)
    {
        double s = 0;
        for (int j = 0; j < w.Length; j++) s += w[j] * x[start + j];
        return s;
    }

    /// <summary>
    /// Weights on a window's samples that give the deriv-th derivative, at <paramref name="pos"/> (in samples from the
    /// window's start), of the least-squares polynomial of degree <paramref name="polyorder"/> through them: the
    /// minimum-norm solution of A w = e_deriv deriv! / delta^deriv with A[k, j] = (j - pos)^k (scipy's savgol_coeffs).
    /// </summary>
    internal static double[] Weights(int window, int polyorder, int deriv, double delta, double pos)
    {
        var w = new double[window];
        if (deriv > polyorder) return w;
        int m = polyorder + 1;
        var t = new double[window];
        for (int j = 0; j < window; j++) t[j] = j - pos;

        // Gram matrix G = A A^T, G[a, b] = sum_j t_j^(a+b); solve G z = rhs, then w = A^T z.
        var g = new double[m, m + 1];
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++)
            {
                double s = 0;
                for (int j = 0; j < window; j++) s += Math.Pow(t[j], a + b);
                g[a, b] = s;
            }
        }
        double factorial = 1;
        for (int k = 2; k <= deriv; k++) factorial *= k;
        g[deriv, m] = factorial / Math.Pow(delta, deriv);

        // Gaussian elimination with partial pivoting (G is small and symmetric positive definite).
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++) if (Math.Abs(g[r, col]) > Math.Abs(g[pivot, col])) pivot = r;
            if (pivot != col)
                for (int c = 0; c <= m; c++) (g[col, c], g[pivot, c]) = (g[pivot, c], g[col, c]);
            for (int r = col + 1; r < m; r++)
            {
                double f = g[r, col] / g[col, col];
                for (int c = col; c <= m; c++) g[r, c] -= f * g[col, c];
            }
        }
        var z = new double[m];
        for (int r = m - 1; r >= 0; r--)
        {
            double s = g[r, m];
            for (int c = r + 1; c < m; c++) s -= g[r, c] * z[c];
            z[r] = s / g[r, r];
        }
        for (int j = 0; j < window; j++)
        {
            double s = 0, p = 1;
            for (int k = 0; k < m; k++)
            {
                s += z[k] * p;
                p *= t[j];
            }
            w[j] = s;
        }
        return w;
    }
}
