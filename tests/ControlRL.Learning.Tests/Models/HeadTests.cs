using ControlRL.Core.Spaces;
using ControlRL.Models.Distributions;
using TorchSharp;
using static TorchSharp.torch;
using static ControlRL.Learning.Tests.Models.TensorAssert;

namespace ControlRL.Learning.Tests.Models;

public class HeadTests
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    [Fact]
    public void GaussianLogProbClosedForm()
    {
        using var scope = NewDisposeScope();
        var d = new DiagGaussian(tensor(new float[] { 0.5f, -1f }).reshape(1, 2), tensor(new float[] { -0.2f, 0.3f }).reshape(1, 2));
        double expected = 0, ent = 0;
        double[] mu = [0.5, -1], ls = [-0.2, 0.3], a = [0.9, -2.5];
        for (int j = 0; j < 2; j++)
        {
            double z = (a[j] - mu[j]) / Math.Exp(ls[j]);
            expected += -0.5 * z * z - ls[j] - HalfLog2Pi;
            ent += 0.5 + HalfLog2Pi + ls[j];
        }
        Assert.Equal(expected, d.LogProb(tensor(new float[] { 0.9f, -2.5f }).reshape(1, 2)).item<float>(), 5);
        Assert.Equal(ent, d.Entropy().item<float>(), 5);
    }

    [Fact]
    public void SquashedGaussianLogProbHasTanhCorrection()
    {
        using var scope = NewDisposeScope();
        float[] low = [-2f, 0f], high = [2f, 1f];
        var d = new SquashedGaussian(tensor(new float[] { 0.3f, -0.4f }).reshape(1, 2), tensor(new float[] { -0.5f, 0.1f }).reshape(1, 2), low, high);
        double[] mu = [0.3, -0.4], ls = [-0.5, 0.1], u = [0.7, -1.2];
        var action = new float[2];
        double expected = 0;
        for (int j = 0; j < 2; j++)
        {
            double t = Math.Tanh(u[j]), half = (high[j] - low[j]) / 2.0;
            action[j] = (float)(low[j] + (t + 1) * half);
            double z = (u[j] - mu[j]) / Math.Exp(ls[j]);
            expected += -0.5 * z * z - ls[j] - HalfLog2Pi - Math.Log(half * (1 - t * t));
        }
        Assert.Equal(expected, d.LogProb(tensor(action).reshape(1, 2)).item<float>(), 3);
        var mode = d.Mode();
        Assert.Equal(-2 + (Math.Tanh(0.3) + 1) * 2, mode[0, 0].item<float>(), 5);
    }

    [Theory]
    [InlineData(2.0, 3.0, 0.3)]
    [InlineData(1.5, 1.2, 0.9)]
    [InlineData(5.0, 1.1, 0.02)]
    public void BetaLogProbMatchesLgammaFormula(double a, double b, double x)
    {
        using var scope = NewDisposeScope();
        // Box [-1, 3]: action = -1 + 4x, density divided by the width 4.
        var d = new BetaDistribution(full(1, 1, a), full(1, 1, b), [-1f], [3f]);
        double expected = (a - 1) * Math.Log(x) + (b - 1) * Math.Log(1 - x) - LogBeta(a, b) - Math.Log(4);
        Assert.Equal(expected, d.LogProb(full(1, 1, -1 + 4 * x)).item<float>(), 4);
    }

    [Fact]
    public void BetaLogProbStaysFiniteAtTheBounds()
    {
        using var scope = NewDisposeScope();
        var d = new BetaDistribution(full(2, 1, 3.0), full(2, 1, 2.0), [-1f], [1f]);
        var lp = d.LogProb(tensor(new float[] { -1f, 1f }).reshape(2, 1));
        Assert.True(lp.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(1.3, 1.1)]
    [InlineData(6.0, 2.5)]
    public void BetaEntropyMatchesNumericalIntegral(double a, double b)
    {
        using var scope = NewDisposeScope();
        var d = new BetaDistribution(full(1, 1, a), full(1, 1, b), [0f], [1f]);
        // -int p log p over (0,1), midpoint rule on a fine grid (p is bounded for a, b > 1).
        int n = 200_000;
        double h = 0, lb = LogBeta(a, b);
        for (int i = 0; i < n; i++)
        {
            double x = (i + 0.5) / n;
            double lp = (a - 1) * Math.Log(x) + (b - 1) * Math.Log(1 - x) - lb;
            h -= Math.Exp(lp) * lp / n;
        }
        Assert.Equal(h, d.Entropy().item<float>(), 4);
        var scaled = new BetaDistribution(full(1, 1, a), full(1, 1, b), [-1f], [1f]);
        Assert.Equal(h + Math.Log(2), scaled.Entropy().item<float>(), 4);
    }

    [Fact]
    public void BetaSampleMeanNearAlphaOverAlphaPlusBeta()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var d = new BetaDistribution(full(20_000, 2, 2.0), full(20_000, 2, 5.0), [-1f, 0f], [1f, 10f]);
        var s = d.Sample(gen);
        Assert.True((s[.., 0] >= -1).all().item<bool>() && (s[.., 0] <= 1).all().item<bool>());
        double m = 2.0 / 7.0;
        Assert.Equal(-1 + 2 * m, s[.., 0].mean().item<float>(), 2);
        Assert.Equal(10 * m, s[.., 1].mean().item<float>(), 1);
        Assert.Equal(10 * (1.0 / 5.0), d.Mode()[0, 1].item<float>(), 5);
        // Deterministic acting takes the mean, not the mode (see BetaDistribution.Deterministic).
        Assert.Equal(10 * m, d.Deterministic()[0, 1].item<float>(), 5);
        Assert.Equal(-1 + 2 * m, d.Deterministic()[0, 0].item<float>(), 5);
    }

    [Fact]
    public void CategoricalLogProbIsLogSoftmax()
    {
        using var scope = NewDisposeScope();
        double[] logits = [0.2, -1.0, 1.5];
        var d = new CategoricalDistribution(tensor(logits.Select(v => (float)v).ToArray()).reshape(1, 3));
        double lse = Math.Log(logits.Sum(Math.Exp));
        for (int k = 0; k < 3; k++)
            Assert.Equal(logits[k] - lse, d.LogProb(full(1, 1, (float)k)).item<float>(), 5);
        double ent = -logits.Sum(l => Math.Exp(l - lse) * (l - lse));
        Assert.Equal(ent, d.Entropy().item<float>(), 5);
        Assert.Equal(2f, d.Mode().item<float>());
    }

    public static TheoryData<string> HeadKinds => new() { "gaussian", "squashed_gaussian", "beta", "categorical" };

    [Theory]
    [MemberData(nameof(HeadKinds))]
    public void SamplingIsReproducibleWithASeededGenerator(string kind)
    {
        torch.manual_seed(11);
        Space actions = kind == "categorical" ? new Discrete(5) : Box.Uniform(3, -1, 1);
        using var head = ActionHead.Create(kind, 8, actions);
        using var scope = NewDisposeScope();
        var features = randn(64, 8) * 30; // large features so the head's small initial outputs still vary by row
        Tensor Draw(ulong seed) => head.Distribution(features).Sample(new Generator(seed));
        var a = Draw(5);
        Assert.True(Same(a, Draw(5)));
        Assert.False(Same(a, Draw(6)));
        Assert.Equal([64L, (long)head.ActionSize], a.shape);
        Assert.True(head.Distribution(features).LogProb(a).isfinite().all().item<bool>());
    }

    // Lanczos approximation (g = 7, 9 terms), double precision; for x >= 0.5.
    private static double LogGamma(double x)
    {
        double[] p = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        x -= 1;
        double s = p[0];
        for (int i = 1; i < 9; i++) s += p[i] / (x + i);
        double t = x + 7.5;
        return HalfLog2Pi + (x + 0.5) * Math.Log(t) - t + Math.Log(s);
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    [Fact]
    public void LanczosLogGammaIsRight()
    {
        Assert.Equal(0, LogGamma(1), 10);
        Assert.Equal(Math.Log(24), LogGamma(5), 10);
        Assert.Equal(0.5 * Math.Log(Math.PI), LogGamma(0.5), 10);
    }
}
