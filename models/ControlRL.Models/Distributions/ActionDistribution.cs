using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Distributions;

/// <summary>
/// A batch of action distributions [B x act] in env units. Log-probabilities and entropies are summed over
/// action dimensions ([B]); <see cref="Sample"/> draws with the given generator (null: the global RNG).
/// </summary>
public abstract class ActionDistribution
{
    /// <summary>log p(action) [B], the action given in env units [B x act].</summary>
    public abstract Tensor LogProb(Tensor action);

    public abstract Tensor Entropy();

    /// <summary>Actions [B x act] in env units; not differentiable.</summary>
    public abstract Tensor Sample(Generator? generator = null);

    /// <summary>The most likely action (Gaussian mean, Beta mode, argmax) [B x act].</summary>
    public abstract Tensor Mode();

    /// <summary>The action a deterministic policy takes (eval, serving): the mode, except where noted.</summary>
    public virtual Tensor Deterministic() => Mode();

    internal static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Per-dimension action bounds as [1 x act] tensors (centre and half-width), from a bounded Box.</summary>
    internal static (Tensor Low, Tensor Scale) Bounds(float[] low, float[] high, Device device)
    {
        var lo = tensor(low, device: device).unsqueeze(0);
        var scale = (tensor(high, device: device) - tensor(low, device: device)).unsqueeze(0);
        return (lo, scale);
    }
}

/// <summary>Diagonal Gaussian N(mean, exp(logStd)^2), unbounded (CleanRL: the env's ClipAction bounds it).</summary>
public sealed class DiagGaussian : ActionDistribution
{
    public DiagGaussian(Tensor mean, Tensor logStd)
    {
        Mean = mean;
        LogStd = logStd.expand_as(mean);
    }

    public Tensor Mean { get; }
    public Tensor LogStd { get; }

    public override Tensor LogProb(Tensor action)
    {
        var z = (action - Mean) * (-LogStd).exp();
        return (z.square() * -0.5 - LogStd - HalfLog2Pi).sum(-1);
    }

    public override Tensor Entropy() => (LogStd + (0.5 + HalfLog2Pi)).sum(-1);

    public override Tensor Sample(Generator? generator = null)
    {
        using var _ = no_grad();
        return Mean + LogStd.exp() * randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator);
    }

    public override Tensor Mode() => Mean;
}

/// <summary>
/// tanh-squashed Gaussian (Haarnoja et al. 2018, SAC): u ~ N(mean, std), a = low + (tanh(u) + 1) / 2 * (high - low).
/// log p(a) = log N(u) - sum log((high - low) / 2 * (1 - tanh(u)^2)); actions at the bounds are pulled inside by
/// <see cref="Epsilon"/> before atanh. No closed-form entropy: <see cref="Entropy"/> is the Gaussian entropy
/// plus the log-Jacobian at the mean (a first-order estimate, enough for an entropy bonus).
/// </summary>
public sealed class SquashedGaussian : ActionDistribution
{
    public const double Epsilon = 1e-6;

    private readonly Tensor _low;
    private readonly Tensor _scale;

    public SquashedGaussian(Tensor mean, Tensor logStd, float[] low, float[] high)
    {
        Mean = mean;
        LogStd = logStd.expand_as(mean);
        (_low, _scale) = Bounds(low, high, mean.device);
    }

    public Tensor Mean { get; }
    public Tensor LogStd { get; }

    private Tensor Squash(Tensor u) => _low + (u.tanh() + 1) * 0.5 * _scale;

    private Tensor LogJacobian(Tensor y) => (_scale * 0.5 * (1 - y.square()) + Epsilon).log();

    public override Tensor LogProb(Tensor action)
    {
        var y = ((action - _low) / _scale * 2 - 1).clamp(-1 + Epsilon, 1 - Epsilon);
        var u = y.atanh();
        var z = (u - Mean) * (-LogStd).exp();
        var gaussian = z.square() * -0.5 - LogStd - HalfLog2Pi;
        return (gaussian - LogJacobian(y)).sum(-1);
    }

    public override Tensor Entropy() => (LogStd + (0.5 + HalfLog2Pi) + LogJacobian(Mean.tanh())).sum(-1);

    public override Tensor Sample(Generator? generator = null)
    {
        using var _ = no_grad();
        var u = Mean + LogStd.exp() * randn(Mean.shape, dtype: Mean.dtype, device: Mean.device, generator: generator);
        return Squash(u);
    }

    public override Tensor Mode() => Squash(Mean);
}

/// <summary>
/// Beta(alpha, beta) per dimension, mapped affinely onto the action Box (Chou et al. 2017, "Improving Stochastic
/// Policy Gradients in Continuous Control with Deep Reinforcement Learning using the Beta Distribution"; CaRL).
/// Actions are pulled inside (0,1) by <see cref="Epsilon"/> before log p, so boundary actions stay finite.
/// Sampling draws Dirichlet([alpha, beta]) with the generator (PyTorch's Beta does the same, via Gamma variates).
/// </summary>
public sealed class BetaDistribution : ActionDistribution
{
    public const double Epsilon = 1e-6;

    private readonly Tensor _low;
    private readonly Tensor _scale;

    public BetaDistribution(Tensor alpha, Tensor beta, float[] low, float[] high)
    {
        Alpha = alpha;
        Beta = beta;
        (_low, _scale) = Bounds(low, high, alpha.device);
    }

    public Tensor Alpha { get; }
    public Tensor Beta { get; }

    private Tensor LogBeta() => Alpha.lgamma() + Beta.lgamma() - (Alpha + Beta).lgamma();

    // Rooted Scalars throughout (see ControlRL.Models.Scalars): this runs on every PPO minibatch.
    private static readonly Scalar Low = Epsilon, High = 1 - Epsilon;

    public override Tensor LogProb(Tensor action)
    {
        var x = ((action - _low) / _scale).clamp(Low, High);
        var lp = (Alpha - Scalars.One) * x.log() + (Beta - Scalars.One) * (Scalars.One - x).log() - LogBeta() - _scale.log();
        return lp.sum(-1);
    }

    // H = ln B(a,b) - (a-1) psi(a) - (b-1) psi(b) + (a+b-2) psi(a+b), plus ln(high - low) for the affine map.
    public override Tensor Entropy()
    {
        var h = LogBeta() - (Alpha - Scalars.One) * Alpha.digamma() - (Beta - Scalars.One) * Beta.digamma()
            + (Alpha + Beta - Scalars.Two) * (Alpha + Beta).digamma() + _scale.log();
        return h.sum(-1);
    }

    public override Tensor Sample(Generator? generator = null)
    {
        using var _ = no_grad();
        var x = _sample_dirichlet(stack([Alpha, Beta], -1), generator).select(-1, 0);
        return _low + x * _scale;
    }

    /// <summary>
    /// The mean a/(a+b). A trained Beta policy is often skewed against a bound (full gas, hard steer), where the mode
    /// sits on the bound and acts harder than anything the policy samples: on CarRacing-v3 the mode scored about 130
    /// where sampling scored about 860 (BENCHMARKS.md), so deterministic acting uses the mean.
    /// </summary>
    public override Tensor Deterministic() => _low + Alpha / (Alpha + Beta) * _scale;

    /// <summary>(a-1)/(a+b-2) where both exceed 1; the mean where the mode is undefined or at an edge.</summary>
    public override Tensor Mode()
    {
        var denom = Alpha + Beta - 2;
        var mean = Alpha / (Alpha + Beta);
        var mode = where(denom > 1e-6, (Alpha - 1) / denom.clamp_min(1e-6), mean);
        return _low + mode * _scale;
    }
}

/// <summary>Categorical over N choices from logits [B x N]; actions are float indices [B x 1].</summary>
public sealed class CategoricalDistribution : ActionDistribution
{
    public CategoricalDistribution(Tensor logits)
    {
        LogProbs = logits.log_softmax(-1);
    }

    /// <summary>Normalised log-probabilities [B x N].</summary>
    public Tensor LogProbs { get; }

    public override Tensor LogProb(Tensor action) =>
        LogProbs.gather(-1, action.reshape(-1, 1).to_type(ScalarType.Int64)).squeeze(-1);

    public override Tensor Entropy() => -(LogProbs.exp() * LogProbs).sum(-1);

    public override Tensor Sample(Generator? generator = null)
    {
        using var _ = no_grad();
        return multinomial(LogProbs.exp(), 1, generator: generator).to_type(ScalarType.Float32);
    }

    public override Tensor Mode() => LogProbs.argmax(-1, keepdim: true).to_type(ScalarType.Float32);
}
