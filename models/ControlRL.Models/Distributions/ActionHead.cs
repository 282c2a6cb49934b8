using ControlRL.Core.Spaces;
using ControlRL.Models.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Distributions;

/// <summary>
/// Maps features [B x F] to an <see cref="ActionDistribution"/>: one Linear layer (orthogonal, gain 0.01 as
/// CleanRL's actor output, so the initial policy is near its prior) plus any state-independent parameters.
/// </summary>
public abstract class ActionHead : nn.Module<Tensor, Tensor>
{
    protected ActionHead(string name) : base(name) { }

    /// <summary>Names the head in <see cref="Policies.PolicyDescription"/>: gaussian, squashed_gaussian, beta, categorical.</summary>
    public abstract string Kind { get; }

    /// <summary>Floats per action in the action buffer.</summary>
    public abstract int ActionSize { get; }

    public abstract ActionDistribution Distribution(Tensor features);

    /// <summary>The deterministic action for <paramref name="features"/>.</summary>
    public override Tensor forward(Tensor features) => Distribution(features).Deterministic();

    /// <summary>Builds the named head for an action space (bounded Box for squashed/beta; Discrete for categorical).</summary>
    public static ActionHead Create(string kind, int features, Space actionSpace, double logStdInit = 0.0)
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        switch (kind)
        {
            case "categorical":
                if (actionSpace is not Discrete d)
                    throw new ArgumentException($"Head 'categorical' needs a Discrete action space; got {actionSpace.Describe()}.");
                return new CategoricalHead(features, d.N);
            case "gaussian" or "squashed_gaussian" or "beta":
                if (actionSpace is not Box { Shape.Length: 1, DType: DType.Float32 } box)
                    throw new ArgumentException($"Head '{kind}' needs a 1-D float32 Box action space; got {actionSpace.Describe()}.");
                if (kind != "gaussian" && !box.IsBounded)
                    throw new ArgumentException($"Head '{kind}' needs finite action bounds; got {actionSpace.Describe()}.");
                return kind switch
                {
                    "gaussian" => new GaussianHead(features, box.FlatSize, logStdInit),
                    "squashed_gaussian" => new SquashedGaussianHead(features, box, logStdInit),
                    _ => new BetaHead(features, box),
                };
            default:
                throw new ArgumentException($"Unknown action head '{kind}' (known: gaussian, squashed_gaussian, beta, categorical).");
        }
    }

    /// <summary>The usual head for an action space: categorical for Discrete, Gaussian for a Box.</summary>
    public static string DefaultKind(Space actionSpace) => actionSpace is Discrete ? "categorical" : "gaussian";
}

/// <summary>Linear mean, state-independent log-std parameter (CleanRL's ppo_continuous_action.py).</summary>
public sealed class GaussianHead : ActionHead
{
    private readonly Linear mean;
    private readonly Parameter logstd;

    public GaussianHead(int features, int actions, double logStdInit = 0.0) : base("gaussian_head")
    {
        mean = Init.Linear(features, actions, 0.01);
        logstd = nn.Parameter(full(1, actions, logStdInit, dtype: float32));
        ActionSize = actions;
        RegisterComponents();
    }

    public override string Kind => "gaussian";
    public override int ActionSize { get; }
    public Parameter LogStd => logstd;

    public override ActionDistribution Distribution(Tensor features) => new DiagGaussian(mean.forward(features), logstd);
}

/// <summary>tanh-squashed Gaussian scaled to the Box; state-independent log-std as the PPO Gaussian head.</summary>
public sealed class SquashedGaussianHead : ActionHead
{
    private readonly Linear mean;
    private readonly Parameter logstd;
    private readonly float[] _low;
    private readonly float[] _high;

    public SquashedGaussianHead(int features, Box actionSpace, double logStdInit = 0.0) : base("squashed_gaussian_head")
    {
        ActionSize = actionSpace.FlatSize;
        mean = Init.Linear(features, ActionSize, 0.01);
        logstd = nn.Parameter(full(1, ActionSize, logStdInit, dtype: float32));
        (_low, _high) = ((float[])actionSpace.Low.Clone(), (float[])actionSpace.High.Clone());
        RegisterComponents();
    }

    public override string Kind => "squashed_gaussian";
    public override int ActionSize { get; }

    public override ActionDistribution Distribution(Tensor features) =>
        new SquashedGaussian(mean.forward(features), logstd, _low, _high);
}

/// <summary>
/// Linear to 2 x act (alpha's outputs first, then beta's); alpha, beta = softplus + 1 (unimodal, CaRL's
/// beta_min_a_b_value 1 / Chou et al. 2017), mapped onto the Box.
/// </summary>
public sealed class BetaHead : ActionHead
{
    private readonly Linear concentration;
    private readonly float[] _low;
    private readonly float[] _high;

    /// <param name="orthogonalInit">
    /// True: orthogonal weights with gain 0.01 and zero bias (CleanRL's actor output). False: PyTorch's default Linear
    /// init, as CaRL's two Linear(features, act) layers for alpha and beta (one Linear of 2 x act draws alike).
    /// </param>
    public BetaHead(int features, Box actionSpace, bool orthogonalInit = true) : base("beta_head")
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (!actionSpace.IsBounded) throw new ArgumentException($"A Beta head needs finite action bounds; got {actionSpace.Describe()}.");
        ActionSize = actionSpace.FlatSize;
        concentration = orthogonalInit ? Init.Linear(features, 2 * ActionSize, 0.01) : nn.Linear(features, 2 * ActionSize);
        (_low, _high) = ((float[])actionSpace.Low.Clone(), (float[])actionSpace.High.Clone());
        RegisterComponents();
    }

    public override string Kind => "beta";
    public override int ActionSize { get; }

    public override ActionDistribution Distribution(Tensor features)
    {
        // softplus(x) = log(exp(x) + exp(0)); TorchSharp's softplus(beta, threshold) makes temporary Scalars (see Scalars).
        var x = concentration.forward(features);
        var ab = x.logaddexp(zeros_like(x)) + Scalars.One;
        var parts = ab.chunk(2, -1);
        return new BetaDistribution(parts[0], parts[1], _low, _high);
    }
}

/// <summary>Linear logits over the Discrete actions.</summary>
public sealed class CategoricalHead : ActionHead
{
    private readonly Linear logits;

    public CategoricalHead(int features, int choices) : base("categorical_head")
    {
        logits = Init.Linear(features, choices, 0.01);
        Choices = choices;
        RegisterComponents();
    }

    public override string Kind => "categorical";
    public override int ActionSize => 1;
    public int Choices { get; }

    public override ActionDistribution Distribution(Tensor features) => new CategoricalDistribution(logits.forward(features));
}
