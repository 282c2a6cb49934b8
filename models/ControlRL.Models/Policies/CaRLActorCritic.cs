using ControlRL.Core.Spaces;
using ControlRL.Models.Distributions;
using ControlRL.Models.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>
/// CaRL's PPO policy (Jaeger et al. 2025, "CaRL: Learning Scalable Planning Policies with Simple Rewards";
/// autonomousvision/CaRL team_code_roach/cnn_model.py PPOPolicy with rl_config.py's defaults): a shared
/// <see cref="CaRLEncoder"/> (BEV CNN <c>roach_ln2</c> + measurements MLP -> 256 features), a policy head MLP
/// (256, 256; LayerNorm + ReLU) into a <see cref="BetaHead"/> with a, b = softplus(x) + 1, and a value head MLP
/// (256, 256; LayerNorm + ReLU) + Linear 1 whose input is the features concatenated with the value-only
/// measurements: the critic sees them, the actor never does. Linear layers keep PyTorch's default init, as CaRL.
/// </summary>
/// <remarks>
/// Observations are bound by key: <c>bev</c> (uint8 H x W x C, HWC), <c>measurements</c> (float vector) and, with
/// <see cref="CaRLOptions.UseValueMeasurements"/>, <c>value_measurements</c> (float vector); other leaves are
/// ignored. Deterministic acting takes the Beta mean (see <see cref="BetaDistribution.Deterministic"/>), where CaRL's
/// evaluation offers mean or mode. Rasters other than 256x256 change the CNN's first layers (see <see cref="CaRLBevCnn"/>).
/// The CNN runs channels-last (<see cref="CaRLBevCnn.forward"/>).
/// </remarks>
public sealed class CaRLActorCritic : ActorCritic
{
    public const string BevKey = "bev";
    public const string MeasurementsKey = "measurements";
    public const string ValueMeasurementsKey = "value_measurements";

    private readonly CaRLEncoder encoder;
    private readonly LayerNormMlp policyHead;
    private readonly BetaHead actor;
    private readonly LayerNormMlp valueHead;
    private readonly TorchSharp.Modules.Linear valueOut;
    private readonly int _bev, _measurements, _valueMeasurements, _leafCount;
    private readonly long[] _bevShape;
    private readonly int _measurementSize, _valueMeasurementSize;

    public CaRLActorCritic(Space observationSpace, Space actionSpace, PolicyDescription description) : base("carl_actor_critic")
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(description);
        var options = description.Carl ?? new CaRLOptions();
        options.Validate();
        if (description.Head is not (null or "beta"))
            throw new ArgumentException($"The CaRL policy acts through a Beta head; head '{description.Head}' is not supported.");
        if (actionSpace is not Box { Shape.Length: 1, DType: DType.Float32, IsBounded: true } box)
            throw new ArgumentException($"The CaRL policy needs a bounded 1-D float32 Box action space; got {actionSpace.Describe()}.");
        Description = description;
        Options = options;
        var leaves = observationSpace.Leaves;
        _leafCount = leaves.Count;
        int Find(string key)
        {
            for (int i = 0; i < leaves.Count; i++)
            {
                if (leaves[i].Key == key) return i;
            }
            throw new ArgumentException($"The CaRL policy needs an observation key '{key}'; the space has "
                + $"{string.Join(", ", leaves.Select(l => $"'{l.Key}'"))} ({observationSpace.Describe()}).");
        }
        _bev = Find(BevKey);
        _measurements = Find(MeasurementsKey);
        _valueMeasurements = options.UseValueMeasurements ? Find(ValueMeasurementsKey) : -1;
        if (leaves[_bev].Space is not Box { IsImage: true } bev)
            throw new ArgumentException($"Observation '{BevKey}' must be a uint8 H x W x C image; got {leaves[_bev].Space.Describe()}.");
        _bevShape = bev.Shape.Select(d => (long)d).ToArray();
        _measurementSize = VectorSize(leaves[_measurements]);
        _valueMeasurementSize = _valueMeasurements >= 0 ? VectorSize(leaves[_valueMeasurements]) : 0;

        encoder = new CaRLEncoder(bev.Shape[0], bev.Shape[1], bev.Shape[2], _measurementSize, options);
        policyHead = new LayerNormMlp("policyHead", options.FeaturesDim, options.PolicyHead);
        actor = new BetaHead(policyHead.OutputSize, box, orthogonalInit: false);
        valueHead = new LayerNormMlp("valueHead", options.FeaturesDim + _valueMeasurementSize, options.ValueHead);
        valueOut = nn.Linear(valueHead.OutputSize, 1);
        ObservationSize = observationSpace.FlatSize;
        RegisterComponents();
    }

    private static int VectorSize(SpaceLeaf leaf) => leaf.Space is Box { DType: DType.Float32, Shape.Length: 1 } b
        ? b.FlatSize
        : throw new ArgumentException($"Observation '{leaf.Key}' must be a 1-D float32 Box; got {leaf.Space.Describe()}.");

    public PolicyDescription Description { get; }
    public CaRLOptions Options { get; }
    public CaRLEncoder Encoder => encoder;
    public BetaHead Head => actor;

    public override int ActionSize => actor.ActionSize;

    /// <summary>Values per observation summed over all leaves (not an MLP input size here).</summary>
    public override int ObservationSize { get; }

    public override string Kind => "carl";
    public override bool HasManagedActor => false;

    /// <summary>The shared features [B x FeaturesDim] (CaRL's get_features).</summary>
    public Tensor Features(Tensor[] observations)
    {
        Check(observations);
        return encoder.forward(observations[_bev], observations[_measurements]);
    }

    /// <summary>The Beta distribution of the actions; depends on the BEV and the measurements only.</summary>
    public BetaDistribution Distribution(Tensor features) => (BetaDistribution)actor.Distribution(policyHead.forward(features));

    private Tensor Value(Tensor features, Tensor[] observations)
    {
        var input = _valueMeasurements >= 0 ? cat([features, observations[_valueMeasurements]], 1) : features;
        return valueOut.forward(valueHead.forward(input)).squeeze(-1);
    }

    public override Tensor GetValue(Tensor[] observations) => Value(Features(observations), observations);

    public override PolicyEvaluation Evaluate(Tensor[] observations, Tensor actions)
    {
        var features = Features(observations);
        var dist = Distribution(features);
        return new PolicyEvaluation(dist.LogProb(actions), dist.Entropy(), Value(features, observations));
    }

    public override Tensor DeterministicAction(Tensor[] observations) => Distribution(Features(observations)).Deterministic();

    /// <summary>One trunk pass for the action, its log-probability and the value (rollouts run under no_grad).</summary>
    public override ActionSample Sample(Tensor[] observations, Generator? generator)
    {
        var features = Features(observations);
        var dist = Distribution(features);
        var action = dist.Sample(generator);
        return new ActionSample(action, dist.LogProb(action), Value(features, observations));
    }

    // A wrongly wired env fails here with the key's name rather than inside a conv or a matmul.
    private void Check(Tensor[] observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Length != _leafCount)
            throw new ArgumentException($"The CaRL policy takes {_leafCount} observation leaves; it got {observations.Length}.");
        var bev = observations[_bev];
        if (bev.dtype != ScalarType.Byte || bev.dim() != 4 || bev.shape[1] != _bevShape[0] || bev.shape[2] != _bevShape[1] || bev.shape[3] != _bevShape[2])
            throw new ArgumentException($"observation '{BevKey}': expected uint8 [B,{string.Join(",", _bevShape)}], got {bev.dtype} [{string.Join(",", bev.shape)}].");
        CheckVector(observations[_measurements], MeasurementsKey, _measurementSize);
        if (_valueMeasurements >= 0) CheckVector(observations[_valueMeasurements], ValueMeasurementsKey, _valueMeasurementSize);
    }

    private static void CheckVector(Tensor x, string key, int size)
    {
        if (x.dtype != ScalarType.Float32 || x.dim() != 2 || x.shape[1] != size)
            throw new ArgumentException($"observation '{key}': expected float32 [B,{size}], got {x.dtype} [{string.Join(",", x.shape)}].");
    }
}
