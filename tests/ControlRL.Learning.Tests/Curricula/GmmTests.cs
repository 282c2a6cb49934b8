using ControlRL.Core.Random;
using ControlRL.Learning.Curricula;

namespace ControlRL.Learning.Tests.Curricula;

public class GmmTests
{
    private static double[] Draw(GaussianMixture truth, int n, ulong seed)
    {
        var rng = new Rng(seed);
        int d = truth.Dimension;
        var data = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble(), acc = 0;
            int c = truth.Components - 1;
            for (int j = 0; j < truth.Components; j++)
            {
                acc += truth.Weight(j);
                if (u < acc) { c = j; break; }
            }
            truth.Sample(c, rng, data.AsSpan(i * d, d));
        }
        return data;
    }

    private static double[] Flat(GaussianMixture g) =>
        Enumerable.Range(0, g.Components).SelectMany(c => g.Mean(c).ToArray().Concat(g.Covariance(c).ToArray()).Append(g.Weight(c))).ToArray();

    private static GaussianMixture TwoComponents() => new(2, [0.3, 0.7], [0, 0, 6, 5], [1, 0, 0, 1, 1, 0.5, 0.5, 1]);

    private static GaussianMixture ThreeComponents() =>
        new(2, [0.5, 0.3, 0.2], [0, 0, 6, 0, 0, 6], [1, 0.3, 0.3, 0.5, 0.5, 0, 0, 0.5, 0.4, -0.2, -0.2, 0.8]);

    /// <summary>Index of the fitted component whose mean is closest to <paramref name="mean"/>.</summary>
    private static int Match(GaussianMixture fit, ReadOnlySpan<double> mean)
    {
        int best = -1;
        double bestD = double.PositiveInfinity;
        for (int c = 0; c < fit.Components; c++)
        {
            double dd = 0;
            for (int j = 0; j < mean.Length; j++) dd += Math.Pow(fit.Mean(c)[j] - mean[j], 2);
            if (dd < bestD) { bestD = dd; best = c; }
        }
        return best;
    }

    private static void AssertRecovers(GaussianMixture truth, GaussianMixture fit)
    {
        Assert.Equal(truth.Components, fit.Components);
        var used = new HashSet<int>();
        for (int c = 0; c < truth.Components; c++)
        {
            int m = Match(fit, truth.Mean(c));
            Assert.True(used.Add(m), "two true components matched the same fitted one");
            for (int j = 0; j < truth.Dimension; j++) Assert.InRange(fit.Mean(m)[j], truth.Mean(c)[j] - 0.2, truth.Mean(c)[j] + 0.2);
            Assert.InRange(fit.Weight(m), truth.Weight(c) - 0.04, truth.Weight(c) + 0.04);
            for (int j = 0; j < truth.Dimension * truth.Dimension; j++)
                Assert.InRange(fit.Covariance(m)[j], truth.Covariance(c)[j] - 0.25, truth.Covariance(c)[j] + 0.25);
        }
    }

    [Fact]
    public void EmRecoversTwoComponentMixture()
    {
        var truth = TwoComponents();
        var data = Draw(truth, 2000, 1);
        var fit = GaussianMixture.Fit(data, 2, 2, seed: 7);
        Assert.True(fit.Converged);
        AssertRecovers(truth, fit);
        Assert.True(fit.LogLikelihood(data) >= truth.LogLikelihood(data) - 1e-6, "EM's maximum is at least the truth's likelihood");
    }

    [Fact]
    public void EmRecoversThreeComponentMixture()
    {
        var truth = ThreeComponents();
        var data = Draw(truth, 3000, 2);
        var fit = GaussianMixture.Fit(data, 2, 3, seed: 3, new GmmFitOptions { Inits = 2 });
        AssertRecovers(truth, fit);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void AicPicksTheTrueNumberOfComponents(int trueK)
    {
        var truth = trueK == 2 ? TwoComponents() : ThreeComponents();
        var data = Draw(truth, 1500, 11);
        var aics = Enumerable.Range(1, 6).Select(k => GaussianMixture.Fit(data, 2, k, seed: 5, new GmmFitOptions { Inits = 3 }).Aic(data)).ToArray();
        Assert.Equal(trueK, Array.IndexOf(aics, aics.Min()) + 1);
    }

    [Fact]
    public void AicAndBicFollowScikitLearnDefinitions()
    {
        var gmm = TwoComponents();
        var data = Draw(gmm, 50, 4);
        double ll = gmm.LogLikelihood(data);
        Assert.Equal(11, gmm.ParameterCount); // 2*3 covariance + 2*2 means + 1 weight
        Assert.Equal(-2 * ll + 2 * 11, gmm.Aic(data), 9);
        Assert.Equal(-2 * ll + 11 * Math.Log(50), gmm.Bic(data), 9);
    }

    [Fact]
    public void LogDensityOfStandardNormalIsExact()
    {
        var g = new GaussianMixture(2, [1.0], [0, 0], [1, 0, 0, 1]);
        Assert.Equal(-Math.Log(2 * Math.PI), g.LogDensity([0.0, 0.0]), 12);
        Assert.Equal(-Math.Log(2 * Math.PI) - 0.5 * 5, g.LogDensity([1.0, 2.0]), 12);
    }

    [Fact]
    public void KMeansPlusPlusIsDeterministicForASeed()
    {
        var data = Draw(ThreeComponents(), 300, 9);
        var a = GaussianMixture.KMeansPlusPlus(data, 2, 5, new Rng(42));
        var b = GaussianMixture.KMeansPlusPlus(data, 2, 5, new Rng(42));
        var c = GaussianMixture.KMeansPlusPlus(data, 2, 5, new Rng(43));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(5, a.Distinct().Count());

        var f1 = GaussianMixture.Fit(data, 2, 4, seed: 1);
        var f2 = GaussianMixture.Fit(data, 2, 4, seed: 1);
        Assert.Equal(Flat(f1), Flat(f2));
    }

    [Fact]
    public void CollinearAndDuplicateDataStayFinite()
    {
        var rng = new Rng(3);
        int n = 200;
        var line = new double[n * 3];
        for (int i = 0; i < n; i++)
        {
            double t = rng.NextDouble();
            line[i * 3] = t;
            line[i * 3 + 1] = 2 * t;
            line[i * 3 + 2] = 0.5; // a constant coordinate (like ALP = 0 everywhere)
        }
        var same = Enumerable.Repeat(0.25, n * 3).ToArray();
        foreach (var data in new[] { line, same })
        {
            for (int k = 1; k <= 5; k++)
            {
                var fit = GaussianMixture.Fit(data, 3, k, seed: 2);
                Assert.All(Flat(fit), v => Assert.True(double.IsFinite(v)));
                Assert.True(double.IsFinite(fit.Aic(data)));
                var x = new double[3];
                fit.Sample(0, rng, x);
                Assert.All(x, v => Assert.True(double.IsFinite(v)));
            }
        }
    }

    [Fact]
    public void SingularCovarianceGivenByHandIsRegularised()
    {
        var g = new GaussianMixture(2, [1.0], [0, 0], [1, 1, 1, 1]);
        Assert.True(double.IsFinite(g.LogDensity([0.3, -0.3])));
        var nan = new GaussianMixture(2, [1.0], [0, 0], [double.NaN, 0, 0, 1]);
        Assert.True(double.IsFinite(nan.LogDensity([0.3, -0.3])));
    }
}
